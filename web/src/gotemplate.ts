// Highlighting for Helm templates: YAML (or plain text) outside `{{ }}`, Go template
// actions inside. A stream parser that hands the text between actions to CodeMirror's
// legacy YAML mode, cut off where the next action starts.
import { StreamLanguage, type StreamParser, type StringStream } from "@codemirror/language";
import { yaml as yamlMode } from "@codemirror/legacy-modes/mode/yaml";

const KEYWORDS = new Set([
  "if", "else", "end", "range", "with", "define", "template", "block", "break", "continue",
]);
const ATOMS = new Set(["true", "false", "nil"]);

interface State {
  inAction: boolean;
  inComment: boolean;
  inner: unknown;
}

function tokenAction(stream: StringStream, state: State): string | null {
  if (state.inComment) {
    const end = stream.string.indexOf("*/", stream.pos);
    if (end < 0) {
      stream.skipToEnd();
    } else {
      stream.pos = end + 2;
      state.inComment = false;
    }
    return "comment";
  }
  if (stream.eatSpace()) return null;
  if (stream.match(/^-?}}/)) {
    state.inAction = false;
    return "meta";
  }
  if (stream.match("/*")) {
    state.inComment = true;
    return "comment";
  }
  if (stream.match(/^"(?:[^"\\]|\\.)*"?/) || stream.match(/^`[^`]*`?/) || stream.match(/^'(?:[^'\\]|\\.)*'?/)) {
    return "string";
  }
  if (stream.match(/^[-+]?(?:0[xX][0-9a-fA-F_]+|\d[\d_]*(?:\.\d*)?(?:[eE][-+]?\d+)?|\.\d+)/)) return "number";
  if (stream.match(/^\$[A-Za-z0-9_]*/)) return "variableName";
  if (stream.match(/^(?:\.[A-Za-z_][A-Za-z0-9_]*)+/)) return "propertyName";
  if (stream.match(/^\./)) return "propertyName";
  if (stream.match(/^(?::=|=|\|)/)) return "operator";
  if (stream.match(/^[(),]/)) return "bracket";
  const word = stream.match(/^[A-Za-z_][A-Za-z0-9_]*/) as RegExpMatchArray | null;
  if (word) {
    if (KEYWORDS.has(word[0])) return "keyword";
    if (ATOMS.has(word[0])) return "atom";
    return "function";
  }
  stream.next();
  return "invalid";
}

/** A Go-template stream language layered over `inner` (YAML, or plain text when null). */
function goTemplate(inner: StreamParser<unknown> | null): StreamParser<State> {
  return {
    name: inner ? "helm-yaml" : "helm-text",
    startState: (indentUnit) => ({
      inAction: false,
      inComment: false,
      inner: inner?.startState ? inner.startState(indentUnit) : null,
    }),
    copyState: (s) => ({
      inAction: s.inAction,
      inComment: s.inComment,
      inner: inner?.copyState ? inner.copyState(s.inner) : structuredClone(s.inner),
    }),
    token(stream, state) {
      if (state.inAction) return tokenAction(stream, state);
      if (stream.match(/^{{-?/)) {
        state.inAction = true;
        if (stream.match(/^\s*\/\*/)) state.inComment = true;
        return state.inComment ? "comment" : "meta";
      }
      const next = stream.string.indexOf("{{", stream.pos);
      if (!inner) {
        if (next < 0) stream.skipToEnd();
        else stream.pos = next;
        return null;
      }
      const whole = stream.string;
      if (next >= 0) stream.string = whole.slice(0, next);
      try {
        const style = inner.token(stream, state.inner);
        if (stream.pos === stream.start) stream.next();
        return style;
      } finally {
        stream.string = whole;
      }
    },
    languageData: { commentTokens: { block: { open: "{{/*", close: "*/}}" } } },
  };
}

/** Helm templates that produce YAML (`templates/*.yaml`, `_helpers.tpl`). */
export const helmYaml = StreamLanguage.define(goTemplate(yamlMode as StreamParser<unknown>));
/** Helm templates of plain text (`NOTES.txt`). */
export const helmText = StreamLanguage.define(goTemplate(null));
