// CodeMirror 6 set-up: editors for chart files and values, a read-only output view,
// language by file name, and diagnostics placed at a line.
import { defaultKeymap, history, historyKeymap, indentWithTab } from "@codemirror/commands";
import { yaml } from "@codemirror/lang-yaml";
import { bracketMatching, defaultHighlightStyle, foldGutter, indentOnInput, syntaxHighlighting } from "@codemirror/language";
import { type Diagnostic, lintGutter, setDiagnostics } from "@codemirror/lint";
import { highlightSelectionMatches, searchKeymap } from "@codemirror/search";
import { Compartment, EditorState, type Extension } from "@codemirror/state";
import {
  drawSelection, EditorView, highlightActiveLine, highlightActiveLineGutter, keymap, lineNumbers,
} from "@codemirror/view";
import { helmText, helmYaml } from "./gotemplate";

/** The language for a file of the chart (or a user values file). */
export function languageFor(path: string): Extension {
  if (path.startsWith("templates/") || path.includes("/templates/")) {
    return /\.(ya?ml|tpl)$/i.test(path) ? helmYaml : helmText;
  }
  if (/\.(ya?ml|json|lock)$/i.test(path) || path.startsWith("values:")) return yaml();
  return [];
}

const base: Extension = [
  lineNumbers(),
  highlightActiveLineGutter(),
  foldGutter(),
  drawSelection(),
  indentOnInput(),
  bracketMatching(),
  highlightActiveLine(),
  highlightSelectionMatches(),
  syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
  EditorView.lineWrapping,
];

export class FileEditor {
  readonly view: EditorView;
  private language = new Compartment();
  private silent = false;

  constructor(parent: HTMLElement, onChange: (text: string) => void) {
    this.view = new EditorView({
      parent,
      state: EditorState.create({
        doc: "",
        extensions: [
          base,
          history(),
          lintGutter(),
          keymap.of([...defaultKeymap, ...historyKeymap, ...searchKeymap, indentWithTab]),
          this.language.of([]),
          EditorView.updateListener.of((u) => {
            if (u.docChanged && !this.silent) onChange(u.state.doc.toString());
          }),
        ],
      }),
    });
  }

  /** Shows a file's text (without reporting it as an edit). */
  open(path: string, text: string, readOnly = false): void {
    this.silent = true;
    this.view.dispatch({
      changes: { from: 0, to: this.view.state.doc.length, insert: text },
      effects: this.language.reconfigure([languageFor(path), EditorState.readOnly.of(readOnly)]),
      selection: { anchor: 0 },
      scrollIntoView: true,
    });
    this.silent = false;
  }

  /** Puts diagnostics on 1-based lines (and optional 1-based columns). */
  mark(items: { line: number; column?: number | null; severity: "error" | "warning" | "info"; message: string }[]): void {
    const doc = this.view.state.doc;
    const diagnostics: Diagnostic[] = items
      .filter((d) => d.line >= 1 && d.line <= doc.lines)
      .map((d) => {
        const line = doc.line(d.line);
        const from = d.column ? Math.min(line.from + d.column - 1, line.to) : line.from;
        return { from, to: Math.max(from, line.to), severity: d.severity, message: d.message };
      });
    this.view.dispatch(setDiagnostics(this.view.state, diagnostics));
  }

  goTo(line: number): void {
    const doc = this.view.state.doc;
    if (line < 1 || line > doc.lines) return;
    const pos = doc.line(line).from;
    this.view.dispatch({ selection: { anchor: pos }, effects: EditorView.scrollIntoView(pos, { y: "center" }) });
    this.view.focus();
  }
}

/** A read-only view of rendered output. */
export class OutputView {
  readonly view: EditorView;
  private language = new Compartment();

  constructor(parent: HTMLElement) {
    this.view = new EditorView({
      parent,
      state: EditorState.create({
        doc: "",
        extensions: [base, EditorState.readOnly.of(true), this.language.of(yaml())],
      }),
    });
  }

  show(text: string, isYaml = true): void {
    if (this.view.state.doc.toString() === text) return;
    this.view.dispatch({
      changes: { from: 0, to: this.view.state.doc.length, insert: text },
      effects: this.language.reconfigure(isYaml ? yaml() : []),
    });
  }
}
