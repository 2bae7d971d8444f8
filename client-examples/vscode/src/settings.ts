// What the extension answers when the server asks `workspace/configuration` for section `testgap`.
//
// Only the values the user set (user, workspace or folder settings) are sent, not VS Code's defaults: the server
// layers package.json's "testgap" field under workspace/configuration key by key (protocol.md, "Settings"), so
// sending every default would silently override a project's package.json. The defaults declared in package.json's
// contributes.configuration are the server's own (test/clients/vscode-example.test.ts checks them against
// protocol.md), so leaving them out changes nothing else.

/** Settings of the `testgap.` section that configure this extension, not the server; never sent to it. */
export const CLIENT_ONLY_SETTINGS: readonly string[] = ['serverPath', 'transport', 'trace.server'];

/** The shape of `WorkspaceConfiguration.inspect(key)` this module reads. */
export interface Inspected {
  globalValue?: unknown;
  workspaceValue?: unknown;
  workspaceFolderValue?: unknown;
}

interface ExtensionManifest {
  contributes?: { configuration?: { properties?: Record<string, unknown> } };
}

/** The server's setting keys (dotted, without `testgap.`), read from the extension's own package.json. */
export function serverSettingKeys(manifest: ExtensionManifest): string[] {
  return Object.keys(manifest.contributes?.configuration?.properties ?? {})
    .filter((k) => k.startsWith('testgap.'))
    .map((k) => k.slice('testgap.'.length))
    .filter((k) => !CLIENT_ONLY_SETTINGS.includes(k));
}

/** The explicitly set values of `keys` (folder over workspace over user), nested: `coverageTargets.unit` → `{ coverageTargets: { unit } }`. */
export function explicitSettings(keys: readonly string[], inspect: (key: string) => Inspected | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of keys) {
    const i = inspect(key);
    const value = i?.workspaceFolderValue !== undefined ? i.workspaceFolderValue : i?.workspaceValue !== undefined ? i.workspaceValue : i?.globalValue;
    if (value === undefined) continue;
    const parts = key.split('.');
    let target = out;
    for (const part of parts.slice(0, -1)) {
      if (typeof target[part] !== 'object' || target[part] === null) target[part] = {};
      target = target[part] as Record<string, unknown>;
    }
    target[parts[parts.length - 1]] = value;
  }
  return out;
}
