// Starts `hocr lsp` for .hocr files; everything else is the server's work.
const vscode = require('vscode');
const { LanguageClient } = require('vscode-languageclient/node');

let client;

function activate() {
  const command = vscode.workspace.getConfiguration('hocr').get('path') || 'hocr';
  client = new LanguageClient(
    'hocr',
    'hocr rule files',
    { command, args: ['lsp'] },
    { documentSelector: [{ scheme: 'file', language: 'hocr' }] }
  );
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
