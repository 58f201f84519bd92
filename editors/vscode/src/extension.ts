// Starts `dealcheck lsp` for .deal files: diagnostics as you type, hover, go to definition,
// references, rename, completion, outline, formatting and live verdicts as code lenses.

import * as vscode from "vscode";
import {
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
} from "vscode-languageclient/node";

let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const command = vscode.workspace
    .getConfiguration("dealcheck")
    .get<string>("path", "dealcheck");
  const serverOptions: ServerOptions = { command, args: ["lsp"] };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ scheme: "file", language: "deal" }],
    synchronize: {
      fileEvents: vscode.workspace.createFileSystemWatcher("**/*.deal"),
    },
  };
  client = new LanguageClient("dealcheck", "dealcheck", serverOptions, clientOptions);
  context.subscriptions.push(client);
  await client.start();
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}
