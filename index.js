// n8n loads the nodes and credentials listed under "n8n" in package.json; this entry exists
// because npm always packs "main". It exports nothing.
module.exports = {};
