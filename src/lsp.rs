//! `hocr lsp`: a language server for rule files, over stdio.
//!
//! It speaks the Language Server Protocol through `lsp-server` (the
//! synchronous transport rust-analyzer uses; no async runtime) and answers
//! with the project's own parser, checker, formatter, `explain` text and
//! example runner: nothing is implemented twice.
//!
//! A file's rule set is every rule file in its directory (what `hocr rules
//! check DIR` reads, subdirectories aside), open buffers in place of what is
//! on disk. After an
//! edit the set is checked again and diagnostics are published for every
//! file of the set that has any (and cleared for those that had some), so
//! deleting a group shows the errors where it was used. Edits that arrive
//! together are checked once; a file's parse is reused while its text is
//! unchanged.
//!
//! The server stops after `shutdown` and `exit`, and when its input
//! closes. A request that meets a bug gets an error reply; the server goes
//! on.

mod features;
mod index;
mod text;
mod workspace;

pub use text::{LineIndex, path_to_uri, uri_to_path};
pub use workspace::{Checked, Parsed, RuleSet, Workspace, check_set};

use lsp_server::{Connection, ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::notification::Notification as _;
use lsp_types::request::Request as _;
use lsp_types::{
    CodeLens, CodeLensOptions, Command, CompletionOptions, ExecuteCommandOptions, HoverContents,
    HoverProviderCapability, InitializeParams, MessageType, OneOf, PublishDiagnosticsParams,
    ServerCapabilities, ShowMessageParams, TextDocumentSyncCapability, TextDocumentSyncKind, Uri,
    notification, request,
};
use serde_json::{Value, json};
use std::collections::{BTreeSet, HashMap, HashSet};
use std::io::Write;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

/// The command a "run examples" lens runs: arguments, the file's URI and
/// the rule code.
pub const RUN_EXAMPLES: &str = "hocr.runExamples";

/// Runs the server on stdin and stdout; the exit code for the process.
pub fn run() -> u8 {
    let (connection, io_threads) = Connection::stdio();
    let code = match serve(&connection) {
        Ok(code) => code,
        Err(e) => {
            log(&format!("stopped: {e}"));
            1
        }
    };
    drop(connection);
    if let Err(e) = io_threads.join() {
        log(&format!("input or output failed: {e}"));
    }
    code
}

fn log(message: &str) {
    let _ = writeln!(std::io::stderr(), "hocr lsp: {message}");
}

fn capabilities() -> ServerCapabilities {
    ServerCapabilities {
        text_document_sync: Some(TextDocumentSyncCapability::Kind(TextDocumentSyncKind::FULL)),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        definition_provider: Some(OneOf::Left(true)),
        references_provider: Some(OneOf::Left(true)),
        document_symbol_provider: Some(OneOf::Left(true)),
        workspace_symbol_provider: Some(OneOf::Left(true)),
        document_formatting_provider: Some(OneOf::Left(true)),
        completion_provider: Some(CompletionOptions {
            trigger_characters: Some(vec![" ".into(), ".".into()]),
            ..Default::default()
        }),
        code_lens_provider: Some(CodeLensOptions {
            resolve_provider: Some(false),
        }),
        execute_command_provider: Some(ExecuteCommandOptions {
            commands: vec![RUN_EXAMPLES.into()],
            ..Default::default()
        }),
        ..Default::default()
    }
}

fn serve(connection: &Connection) -> Result<u8, String> {
    let caps = serde_json::to_value(capabilities()).map_err(|e| e.to_string())?;
    let params = match connection.initialize(caps) {
        Ok(p) => p,
        // The input closed before the editor said hello: nothing to do.
        Err(e) if e.channel_is_disconnected() => return Ok(0),
        Err(e) => return Err(e.to_string()),
    };
    let params: InitializeParams = serde_json::from_value(params).unwrap_or_default();
    let mut server = Server::new(connection, &params);
    server.main_loop()
}

struct Server<'c> {
    connection: &'c Connection,
    workspace: Workspace,
    /// The folders the editor opened, for workspace symbols.
    roots: Vec<PathBuf>,
    /// Files that changed since diagnostics were last published.
    dirty: BTreeSet<PathBuf>,
    /// Files last sent a non-empty list of diagnostics.
    published: HashSet<PathBuf>,
    /// The last run of each rule's examples: (passed, failed).
    results: HashMap<(PathBuf, String), (usize, usize)>,
    lens_refresh: bool,
    next_id: i32,
}

impl<'c> Server<'c> {
    fn new(connection: &'c Connection, params: &InitializeParams) -> Server<'c> {
        let mut roots: Vec<PathBuf> = params
            .workspace_folders
            .iter()
            .flatten()
            .filter_map(|f| uri_to_path(&f.uri))
            .collect();
        #[allow(deprecated)] // Older clients send only this.
        if let Some(root) = params.root_uri.as_ref().and_then(uri_to_path) {
            roots.push(root);
        }
        let lens_refresh = params
            .capabilities
            .workspace
            .as_ref()
            .and_then(|w| w.code_lens.as_ref())
            .and_then(|c| c.refresh_support)
            .unwrap_or(false);
        Server {
            connection,
            workspace: Workspace::new(),
            roots,
            dirty: BTreeSet::new(),
            published: HashSet::new(),
            results: HashMap::new(),
            lens_refresh,
            next_id: 0,
        }
    }

    fn main_loop(&mut self) -> Result<u8, String> {
        let receiver = &self.connection.receiver;
        // A closed input ends the loop as `exit` would.
        while let Ok(msg) = receiver.recv() {
            if let Some(code) = self.handle(msg)? {
                return Ok(code);
            }
            // Handle whatever else has arrived before checking, so a burst
            // of edits is checked once.
            while let Ok(msg) = receiver.try_recv() {
                if let Some(code) = self.handle(msg)? {
                    return Ok(code);
                }
            }
            self.publish_dirty();
        }
        Ok(0)
    }

    /// Handles one message; `Some(exit code)` when the server must stop.
    fn handle(&mut self, msg: Message) -> Result<Option<u8>, String> {
        match msg {
            Message::Request(req) => {
                match self.connection.handle_shutdown(&req) {
                    Ok(true) => return Ok(Some(0)),
                    Ok(false) => {}
                    // The input closed while waiting for `exit`.
                    Err(_) => return Ok(Some(0)),
                }
                let id = req.id.clone();
                let response = match catch_unwind(AssertUnwindSafe(|| self.request(req))) {
                    Ok(Ok(value)) => Response::new_ok(id, value),
                    Ok(Err((code, message))) => Response::new_err(id, code as i32, message),
                    Err(_) => Response::new_err(
                        id,
                        ErrorCode::InternalError as i32,
                        "hocr lsp met a bug answering this request; please report it".into(),
                    ),
                };
                self.send(Message::Response(response));
            }
            Message::Notification(n) => {
                if n.method == notification::Exit::METHOD {
                    // `exit` without `shutdown` first (LSP: exit code 1).
                    return Ok(Some(1));
                }
                if catch_unwind(AssertUnwindSafe(|| self.notification(n))).is_err() {
                    log("met a bug handling a notification");
                }
            }
            // Replies to our own requests (code lens refresh): nothing to do.
            Message::Response(_) => {}
        }
        Ok(None)
    }

    fn send(&self, msg: Message) {
        // The writer stops only when the editor has gone; nothing to tell.
        let _ = self.connection.sender.send(msg);
    }

    fn notify<N: lsp_types::notification::Notification>(&self, params: N::Params) {
        self.send(Message::Notification(Notification::new(
            N::METHOD.into(),
            params,
        )));
    }

    fn notification(&mut self, n: Notification) {
        match n.method.as_str() {
            notification::DidOpenTextDocument::METHOD => {
                let Ok(p) =
                    serde_json::from_value::<lsp_types::DidOpenTextDocumentParams>(n.params)
                else {
                    return;
                };
                if let Some(path) = uri_to_path(&p.text_document.uri) {
                    self.workspace.open(path.clone(), p.text_document.text);
                    self.dirty.insert(path);
                }
            }
            notification::DidChangeTextDocument::METHOD => {
                let Ok(p) =
                    serde_json::from_value::<lsp_types::DidChangeTextDocumentParams>(n.params)
                else {
                    return;
                };
                // Full sync: the last change holds the whole text.
                if let (Some(path), Some(change)) = (
                    uri_to_path(&p.text_document.uri),
                    p.content_changes.into_iter().last(),
                ) {
                    self.workspace.change(&path, change.text);
                    self.dirty.insert(path);
                }
            }
            notification::DidSaveTextDocument::METHOD => {
                // Saved text is what the buffer held: other sets that read
                // this file from disk may see it now.
                if let Ok(p) =
                    serde_json::from_value::<lsp_types::DidSaveTextDocumentParams>(n.params)
                    && let Some(path) = uri_to_path(&p.text_document.uri)
                {
                    self.dirty.insert(path);
                }
            }
            notification::DidCloseTextDocument::METHOD => {
                if let Ok(p) =
                    serde_json::from_value::<lsp_types::DidCloseTextDocumentParams>(n.params)
                    && let Some(path) = uri_to_path(&p.text_document.uri)
                {
                    // The file on disk counts again, unsaved edits are gone.
                    self.workspace.close(&path);
                    self.dirty.insert(path);
                }
            }
            _ => {}
        }
    }

    /// Checks each set with a changed file once and publishes what it says.
    fn publish_dirty(&mut self) {
        let dirty = std::mem::take(&mut self.dirty);
        let mut done: HashSet<PathBuf> = HashSet::new();
        for path in dirty {
            let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
            if !done.insert(dir) {
                continue;
            }
            let checked = self.workspace.check(&path);
            self.publish(&checked, &path);
        }
    }

    /// Publishes the diagnostics of every file of a checked set that has
    /// any, or had some, or is the file that changed. Diagnostics without
    /// a file go at the top of that file.
    fn publish(&mut self, checked: &Checked, changed: &Path) {
        let files = &checked.set.files;
        let mut by_file: Vec<Vec<lsp_types::Diagnostic>> = vec![Vec::new(); files.len()];
        let changed_index = files.iter().position(|(p, _)| p == changed);
        for d in &checked.diags {
            let at = d.file.or(changed_index);
            if let Some(n) = at
                && let Some((_, f)) = files.get(n)
            {
                let file = d.file.map(|_| &**f);
                by_file[n].push(features::diagnostic(d, file));
            }
        }
        for ((path, _), diagnostics) in files.iter().zip(by_file) {
            let had = self.published.contains(path);
            if diagnostics.is_empty() && !had && path != changed {
                continue;
            }
            if diagnostics.is_empty() {
                self.published.remove(path);
            } else {
                self.published.insert(path.clone());
            }
            self.notify::<notification::PublishDiagnostics>(PublishDiagnosticsParams {
                uri: path_to_uri(path),
                diagnostics,
                version: None,
            });
        }
        // A file gone from the set (an unsaved buffer closed, a file
        // deleted) keeps no diagnostics.
        let dir = changed.parent();
        let gone: Vec<PathBuf> = self
            .published
            .iter()
            .filter(|p| p.parent() == dir && !files.iter().any(|(f, _)| f == *p))
            .cloned()
            .collect();
        for path in gone {
            self.published.remove(&path);
            self.notify::<notification::PublishDiagnostics>(PublishDiagnosticsParams {
                uri: path_to_uri(&path),
                diagnostics: Vec::new(),
                version: None,
            });
        }
    }

    fn request(&mut self, req: Request) -> Result<Value, (ErrorCode, String)> {
        match req.method.as_str() {
            request::HoverRequest::METHOD => {
                let p: lsp_types::HoverParams = params(req.params)?;
                let path = path_of(&p.text_document_position_params.text_document.uri)?;
                let set = self.workspace.set_of(&path);
                let hover = features::hover(&set, &path, p.text_document_position_params.position)
                    .map(|m| lsp_types::Hover {
                        contents: HoverContents::Markup(m),
                        range: None,
                    });
                to_value(serde_json::to_value(hover))
            }
            request::GotoDefinition::METHOD => {
                let p: lsp_types::GotoDefinitionParams = params(req.params)?;
                let path = path_of(&p.text_document_position_params.text_document.uri)?;
                let set = self.workspace.set_of(&path);
                let found =
                    features::definition(&set, &path, p.text_document_position_params.position);
                to_value(serde_json::to_value(found))
            }
            request::References::METHOD => {
                let p: lsp_types::ReferenceParams = params(req.params)?;
                let path = path_of(&p.text_document_position.text_document.uri)?;
                let set = self.workspace.set_of(&path);
                let found = features::references(
                    &set,
                    &path,
                    p.text_document_position.position,
                    p.context.include_declaration,
                );
                to_value(serde_json::to_value(found))
            }
            request::DocumentSymbolRequest::METHOD => {
                let p: lsp_types::DocumentSymbolParams = params(req.params)?;
                let path = path_of(&p.text_document.uri)?;
                let set = self.workspace.set_of(&path);
                let symbols = set.file(&path).map(|f| features::document_symbols(f));
                to_value(serde_json::to_value(symbols))
            }
            request::WorkspaceSymbolRequest::METHOD => {
                let p: lsp_types::WorkspaceSymbolParams = params(req.params)?;
                to_value(serde_json::to_value(self.workspace_symbols(&p.query)))
            }
            request::Formatting::METHOD => {
                let p: lsp_types::DocumentFormattingParams = params(req.params)?;
                let path = path_of(&p.text_document.uri)?;
                let set = self.workspace.set_of(&path);
                let Some(f) = set.file(&path) else {
                    return to_value(Ok(Value::Null));
                };
                match features::format(f) {
                    Ok(edits) => to_value(serde_json::to_value(edits)),
                    Err(message) => Err((ErrorCode::RequestFailed, message)),
                }
            }
            request::Completion::METHOD => {
                let p: lsp_types::CompletionParams = params(req.params)?;
                let path = path_of(&p.text_document_position.text_document.uri)?;
                let set = self.workspace.set_of(&path);
                let items = features::completion(&set, &path, p.text_document_position.position);
                to_value(serde_json::to_value(items))
            }
            request::CodeLensRequest::METHOD => {
                let p: lsp_types::CodeLensParams = params(req.params)?;
                let path = path_of(&p.text_document.uri)?;
                let set = self.workspace.set_of(&path);
                let lenses = set
                    .file(&path)
                    .map(|f| self.lenses(&p.text_document.uri, &path, f));
                to_value(serde_json::to_value(lenses))
            }
            request::ExecuteCommand::METHOD => {
                let p: lsp_types::ExecuteCommandParams = params(req.params)?;
                self.execute_command(p)
            }
            _ => Err((
                ErrorCode::MethodNotFound,
                format!("hocr lsp does not answer `{}`", req.method),
            )),
        }
    }

    /// The symbols of every rule set open or under a workspace root.
    fn workspace_symbols(&mut self, query: &str) -> Vec<lsp_types::SymbolInformation> {
        let mut dirs = self.workspace.open_dirs();
        dirs.extend(self.roots.iter().cloned());
        dirs.sort();
        dirs.dedup();
        let mut found = Vec::new();
        for dir in dirs {
            let set = self.workspace.set_in(&dir, None);
            found.extend(features::workspace_symbols(&set, query));
        }
        found
    }

    /// `hocr.runExamples` (the only command): run one rule's examples.
    fn execute_command(
        &mut self,
        p: lsp_types::ExecuteCommandParams,
    ) -> Result<Value, (ErrorCode, String)> {
        if p.command != RUN_EXAMPLES {
            return Err((
                ErrorCode::InvalidParams,
                format!("unknown command `{}`", p.command),
            ));
        }
        let (uri, code) = match p.arguments.as_slice() {
            [Value::String(uri), Value::String(code), ..] => (uri.clone(), code.clone()),
            _ => {
                return Err((
                    ErrorCode::InvalidParams,
                    format!("{RUN_EXAMPLES} takes a file's URI and a rule code"),
                ));
            }
        };
        let uri: Uri = uri
            .parse()
            .map_err(|_| (ErrorCode::InvalidParams, format!("not a URI: {uri}")))?;
        let path = path_of(&uri)?;
        let result = self.run_examples(&path, &code);
        to_value(Ok(result))
    }

    /// A "run examples" lens on each rule, titled with the last run's result.
    fn lenses(&self, uri: &Uri, path: &Path, f: &Parsed) -> Vec<CodeLens> {
        features::rules_with_examples(f)
            .into_iter()
            .map(|(code, range, examples)| {
                let title = match self.results.get(&(path.to_path_buf(), code.clone())) {
                    _ if examples == 0 => "no examples".to_string(),
                    Some((passed, 0)) => format!("✓ {passed} passed · run examples"),
                    Some((passed, failed)) => {
                        format!("✗ {failed} failed, {passed} passed · run examples")
                    }
                    None => format!("▶ run examples ({examples})"),
                };
                // A lens with no command is a label: nothing to run.
                let command = if examples > 0 {
                    Command {
                        title,
                        command: RUN_EXAMPLES.into(),
                        arguments: Some(vec![json!(uri.as_str()), json!(code)]),
                    }
                } else {
                    Command {
                        title,
                        command: String::new(),
                        arguments: None,
                    }
                };
                CodeLens {
                    range,
                    command: Some(command),
                    data: None,
                }
            })
            .collect()
    }

    /// Runs one rule's examples; says how they fared in a message and in
    /// the reply: `{rule, passed, failed, report}`, or `{rule, error}`.
    fn run_examples(&mut self, path: &Path, code: &str) -> Value {
        let checked = self.workspace.check(path);
        let Some(plan) = &checked.plan else {
            let errors = checked
                .diags
                .iter()
                .filter(|d| d.level == crate::lang::diagnostics::Level::Error)
                .count();
            let error = format!(
                "{code}: the examples cannot run while the rule set has errors ({errors}); mend them first"
            );
            self.notify::<notification::ShowMessage>(ShowMessageParams {
                typ: MessageType::ERROR,
                message: error.clone(),
            });
            return json!({ "rule": code, "error": error });
        };
        let tried: Vec<crate::run::examples::Tried> = crate::run::examples::run(plan)
            .into_iter()
            .filter(|t| t.rule.code == code)
            .collect();
        let mut report = Vec::new();
        let _ = crate::run::examples::render_each(plan, &tried, &mut report);
        let report = String::from_utf8_lossy(&report).into_owned();
        let passed = tried.iter().filter(|t| t.passed).count();
        let failed = tried.len() - passed;
        let summary = if tried.is_empty() {
            format!("{code}: no examples to run")
        } else {
            format!("{code}: {passed} of {} examples passed", tried.len())
        };
        self.results
            .insert((path.to_path_buf(), code.to_string()), (passed, failed));
        self.notify::<notification::ShowMessage>(ShowMessageParams {
            typ: if failed == 0 {
                MessageType::INFO
            } else {
                MessageType::WARNING
            },
            message: format!("{summary}\n{report}"),
        });
        if self.lens_refresh {
            self.next_id += 1;
            self.send(Message::Request(Request::new(
                RequestId::from(self.next_id),
                request::CodeLensRefresh::METHOD.into(),
                Value::Null,
            )));
        }
        json!({ "rule": code, "passed": passed, "failed": failed, "report": report })
    }
}

/// A request's parameters, or an InvalidParams error.
fn params<P: serde::de::DeserializeOwned>(v: Value) -> Result<P, (ErrorCode, String)> {
    serde_json::from_value(v).map_err(|e| (ErrorCode::InvalidParams, e.to_string()))
}

/// The file a URI names, or an InvalidParams error.
fn path_of(uri: &Uri) -> Result<PathBuf, (ErrorCode, String)> {
    uri_to_path(uri).ok_or((
        ErrorCode::InvalidParams,
        format!("not a file: {}", uri.as_str()),
    ))
}

/// A response's value; failing to serialize one is the server's fault.
fn to_value(v: Result<Value, serde_json::Error>) -> Result<Value, (ErrorCode, String)> {
    v.map_err(|e| (ErrorCode::InternalError, e.to_string()))
}
