// Core data → LSP types. The only place positions change representation (core offsets → LSP line/character).
import { DiagnosticSeverity, type Diagnostic, type Range } from 'vscode-languageserver/node';
import type { Finding } from '../core/model';
import type { Severity } from '../core/settings';
import type { LineIndex, Span } from '../core/text';
import type { ClientCaps } from './capabilities';

export const DIAGNOSTIC_SOURCE = 'testgap';

export const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

export function toRange(index: LineIndex, span: Span): Range {
  return { start: index.positionAt(span.start), end: index.positionAt(span.end) };
}

/** `testFileUri`: URI of `finding.expectedTestFile`, made once per file by the caller (it is the same for all). */
export function toDiagnostic(finding: Finding, index: LineIndex, severity: Severity, caps: ClientCaps, testFileUri: string): Diagnostic {
  const diagnostic: Diagnostic = {
    range: toRange(index, finding.unit.nameSpan),
    severity: SEVERITY[severity],
    source: DIAGNOSTIC_SOURCE,
    code: finding.code,
    message: finding.message,
  };
  if (caps.relatedInformation) {
    diagnostic.relatedInformation = [
      {
        location: { uri: testFileUri, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } },
        message: `tests for \`${finding.unit.name}\` belong here`,
      },
    ];
  }
  if (caps.diagnosticData) diagnostic.data = { unitId: finding.unit.id };
  return diagnostic;
}
