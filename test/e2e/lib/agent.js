// No eslint-disable here: n8n's lint applies its rules to .ts files only, and naming those rules in
// a .js file is itself a lint error ("Definition for rule ... was not found").
/**
 * Scripts for the scripted model server and checks of what it received, for the scenarios in
 * which n8n's AI Agent uses the DiffRhythm node as a tool, and the AI examples.
 */
'use strict';

const path = require('node:path');

const { ROOT } = require('./install');

/** The package's own timing, from the build the suite installs, to know the LRC it must send. */
function timedLrc(lyrics, taskType) {
	const { timePlainLyrics } = require(path.join(ROOT, 'dist', 'nodes', 'DiffRhythm', 'lyrics', 'timing.js'));
	const result = timePlainLyrics(lyrics, taskType);
	if (result.kind !== 'timed') throw new Error(`the lyrics were not timed: ${JSON.stringify(result)}`);
	return result.lyrics.lrc;
}

const SEA_LYRICS = [
	'[Verse]',
	'The harbour lights are sleeping',
	'The tide is counting stars',
	'',
	'[Chorus]',
	'Sing me home across the water',
	'Sing me home to where you are',
].join('\n');

const SEA_STYLE = 'calm folk, acoustic guitar, soft male vocals';

/** 24 long lines: too much for a Base song, fine for a Full one. */
const ROAD_LYRICS = Array.from({ length: 24 }, (_, i) => `Mile ${i + 1} and the radio is singing our song`).join('\n');

const MODEL_LYRICS = [
	'[Verse]',
	'A night train climbs the silver pass',
	'The windows hum with snow',
	'',
	'[Chorus]',
	'Carry me over the mountains',
	'Carry me where the rivers go',
].join('\n');

/** The tool's answer as the model got it: n8n sends the JSON of the tool's output items. */
function parseToolResult(text) {
	const parsed = JSON.parse(text);
	return Array.isArray(parsed) ? parsed : [parsed];
}

const finalText = (answer) => `Your song is ready: ${answer.audioUrl} (task ${answer.taskId}).`;

/** First a DiffRhythm call, then a final message quoting its audio URL. */
function songScript({ lyrics, stylePrompt, taskType = 'txt2audio-base' }) {
	return {
		steps: [
			() => ({ toolCall: { args: { taskType, lyrics, stylePrompt } } }),
			(request) => {
				const [answer] = parseToolResult(request.toolResults[0]);
				if (answer.error) return { text: `The tool failed: ${answer.error}` };
				return { text: finalText(answer) };
			},
		],
	};
}

/** A first call the node must refuse (too long for Base), then the call its error asks for. */
function retryScript() {
	return {
		steps: [
			() => ({ toolCall: { args: { taskType: 'txt2audio-base', lyrics: ROAD_LYRICS, stylePrompt: 'road trip rock' } } }),
			(request) => {
				const [answer] = parseToolResult(request.toolResults[0]);
				if (!answer.error || !/Full \(4:45\)/.test(answer.error)) throw new Error(`expected an error asking for Full, got ${request.toolResults[0]}`);
				return { toolCall: { args: { taskType: 'txt2audio-full', lyrics: ROAD_LYRICS, stylePrompt: 'road trip rock' } } };
			},
			(request) => ({ text: finalText(parseToolResult(request.toolResults[1])[0]) }),
		],
	};
}

/** Assertions on a tool result the model got for a finished song; returns its parsed answer. */
function checkSongResult(assert, text, { taskId, audioUrl, lyrics }) {
	const bytes = Buffer.byteLength(text);
	assert(bytes < 2048, `the tool result is ${bytes} bytes: ${text.slice(0, 300)}`);
	assert(!/[A-Za-z0-9+/=]{200,}/.test(text) && !/base64|data:audio|RIFF/i.test(text), `the tool result holds audio bytes: ${text.slice(0, 300)}`);
	const answers = parseToolResult(text);
	assert(answers.length === 1, `tool result items: ${answers.length}`);
	const [answer] = answers;
	const expected = { taskId, status: 'completed', audioUrl, taskType: answer.taskType, lyrics };
	for (const [key, value] of Object.entries(expected)) {
		assert(answer[key] === value, `tool result ${key}: expected ${JSON.stringify(value)}, got ${JSON.stringify(answer[key])}`);
	}
	assert(answer.message.includes(`call the Get Task tool (DiffRhythm Get Task) with task_id "${taskId}"`), `tool result message: ${answer.message}`);
	assert(!('binary' in answer) && !('output' in answer) && !('config' in answer), `tool result keys: ${Object.keys(answer).join(', ')}`);
	return { bytes, answer };
}

module.exports = {
	MODEL_LYRICS,
	ROAD_LYRICS,
	SEA_LYRICS,
	SEA_STYLE,
	checkSongResult,
	finalText,
	parseToolResult,
	retryScript,
	songScript,
	timedLrc,
};
