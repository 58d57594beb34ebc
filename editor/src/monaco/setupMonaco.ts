// The one place Monaco is set up: loaded from the local monaco-editor package (no CDN), its workers from Vite, and the rule-set JSON Schema generated from zod.
import * as monaco from 'monaco-editor';
import { loader } from '@monaco-editor/react';
import EditorWorker from 'monaco-editor/editor/editor.worker.js?worker';
import JsonWorker from 'monaco-editor/language/json/json.worker.js?worker';
import { ruleSetJsonSchema } from '../../../engine/index.js';

/** Model URIs of rule-set documents start with this, so the JSON Schema applies to them. */
export const RULESET_URI_PREFIX = 'inmemory://mingcheng/ruleset/';
/** Owner of the markers placed from the engine's semantic issues. */
export const ENGINE_MARKER_OWNER = 'mingcheng-engine';

self.MonacoEnvironment = {
  getWorker(_id: string, label: string) {
    return label === 'json' ? new JsonWorker() : new EditorWorker();
  },
};

monaco.json.jsonDefaults.setDiagnosticsOptions({
  validate: true,
  allowComments: false,
  enableSchemaRequest: false,
  schemaRequest: 'ignore',
  // The uri is where a rule set's own "$schema": "../schema/ruleSet.schema.json" resolves from a model under RULESET_URI_PREFIX,
  // so documents that name their schema get this one too.
  schemas: [{ uri: 'inmemory://mingcheng/schema/ruleSet.schema.json', fileMatch: [`${RULESET_URI_PREFIX}*`], schema: ruleSetJsonSchema() }],
});

loader.config({ monaco });

export { monaco };
