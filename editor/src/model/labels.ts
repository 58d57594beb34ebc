// Labels as the engine shows them: {parameterId} placeholders filled with the draft's current values (the engine's own function).
export { fillParameters } from '../../../engine/index.js';
