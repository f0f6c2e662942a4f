//! `hocr lsp` driven as an editor drives it: the binary as a subprocess,
//! JSON-RPC messages with `Content-Length` framing over its stdin and
//! stdout. The rule set is written here (not the shipped one, whose text
//! changes), except for one test that opens a copy of `rules/`.

mod common;

use serde_json::{Value, json};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

const GROUPS: &str = r#"edition "HOCR test"

group violence = 1, 2, 4/1..4/10

group sexual = 19C..19H, "20*"

group many = 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24,
  25

calendar holidays covers 2025 to 2025 {
  2025-12-25 "Christmas Day"
}
"#;

const RECORDING: &str = r#"edition "HOCR test"

# A crime's report time is its own, else its incident's. See E004.
define report_time for each crime as
  reported_at when reported_at is present, else incident.reported_at

rule T001 late-record "Crimes are recorded within a day" {
  source "Test source" at "https://example.org/hocr"
  quote "Record it within 24 hours."
  theme timeliness
  severity high when offence_code in violence or offence_code in sexual, else medium
  for each crime
  where report_time is present
  require recorded_at within 24 hours after report_time
  example "late" {
    incident with reported_at "2025-03-03 09:00"
    crime with offence_code "8N", recorded_at "2025-03-04 10:00"
    expect late
  }
  example "wrongly expected on time" {
    incident with reported_at "2025-03-03 09:00"
    crime with offence_code "8N", recorded_at "2025-03-05 10:00"
    expect no finding
  }
}

rule T002 many-codes "Codes in many are never recorded" {
  source "Test source" at "https://example.org/hocr"
  policy "The force never records these."
  theme recording
  severity low
  for each crime
  require offence_code not in many
  grace 2 working days after recorded_at
}
"#;

/// A rule set in a fresh directory: (directory, groups.hocr, recording.hocr).
fn rule_set(name: &str) -> (PathBuf, PathBuf, PathBuf) {
    let dir = common::temp(&format!("lsp-{name}"));
    let groups = dir.join("groups.hocr");
    let recording = dir.join("recording.hocr");
    std::fs::write(&groups, GROUPS).unwrap();
    std::fs::write(&recording, RECORDING).unwrap();
    (dir, groups, recording)
}

fn uri(p: &Path) -> String {
    format!("file://{}", p.display())
}

/// (line, character) of the `nth` (0-based) occurrence of `needle`, plus
/// `extra` characters (ASCII text only).
fn pos_of(text: &str, needle: &str, nth: usize, extra: usize) -> (u64, u64) {
    let at = text
        .match_indices(needle)
        .nth(nth)
        .unwrap_or_else(|| panic!("{needle:?} #{nth} in the text"))
        .0
        + extra;
    let line = text[..at].matches('\n').count();
    let col = at - text[..at].rfind('\n').map_or(0, |n| n + 1);
    (line as u64, col as u64)
}

fn position(text: &str, needle: &str, nth: usize) -> Value {
    let (line, character) = pos_of(text, needle, nth, 1);
    json!({ "line": line, "character": character })
}

/// An editor's end of the connection.
struct Client {
    child: Child,
    stdin: Option<ChildStdin>,
    incoming: Receiver<Value>,
    /// Notifications that arrived while waiting for something else.
    queue: Vec<Value>,
    next_id: i64,
}

const WAIT: Duration = Duration::from_secs(30);

impl Client {
    fn start() -> Client {
        let mut child = Command::new(env!("CARGO_BIN_EXE_hocr"))
            .arg("lsp")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("hocr lsp starts");
        let stdin = child.stdin.take();
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let (tx, incoming) = channel();
        std::thread::spawn(move || {
            loop {
                let mut length = None;
                loop {
                    let mut header = String::new();
                    if stdout.read_line(&mut header).unwrap_or(0) == 0 {
                        return;
                    }
                    let header = header.trim_end();
                    if header.is_empty() {
                        break;
                    }
                    if let Some(n) = header.strip_prefix("Content-Length: ") {
                        length = n.parse::<usize>().ok();
                    }
                }
                let mut body = vec![0; length.expect("a Content-Length header")];
                if stdout.read_exact(&mut body).is_err() {
                    return;
                }
                let msg: Value = serde_json::from_slice(&body).expect("a JSON message");
                if tx.send(msg).is_err() {
                    return;
                }
            }
        });
        let mut client = Client {
            child,
            stdin,
            incoming,
            queue: Vec::new(),
            next_id: 0,
        };
        let init = client.request(
            "initialize",
            json!({ "processId": null, "rootUri": null, "capabilities": {} }),
        );
        assert!(
            init["result"]["capabilities"]["hoverProvider"] == json!(true),
            "{init}"
        );
        client.notify("initialized", json!({}));
        client
    }

    fn send(&mut self, msg: Value) {
        let body = msg.to_string();
        let stdin = self.stdin.as_mut().expect("stdin open");
        write!(stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
        stdin.flush().unwrap();
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({ "jsonrpc": "2.0", "method": method, "params": params }));
    }

    fn next(&mut self, deadline: Instant) -> Value {
        let left = deadline.saturating_duration_since(Instant::now());
        match self.incoming.recv_timeout(left) {
            Ok(v) => v,
            Err(RecvTimeoutError::Timeout) => panic!("no message from hocr lsp in time"),
            Err(RecvTimeoutError::Disconnected) => panic!("hocr lsp closed its output"),
        }
    }

    /// Sends a request and waits for its response (the whole message).
    fn request(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        self.send(json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }));
        let deadline = Instant::now() + WAIT;
        loop {
            let msg = self.next(deadline);
            if msg.get("id") == Some(&json!(id)) && msg.get("method").is_none() {
                return msg;
            }
            self.queue.push(msg);
        }
    }

    /// The result of a request that must succeed.
    fn ask(&mut self, method: &str, params: Value) -> Value {
        let msg = self.request(method, params);
        assert!(msg.get("error").is_none(), "{method} failed: {msg}");
        msg["result"].clone()
    }

    /// Waits for the next notification `method` whose params satisfy `want`.
    fn wait_for(&mut self, method: &str, want: impl Fn(&Value) -> bool) -> Value {
        if let Some(n) = self
            .queue
            .iter()
            .position(|m| m["method"] == method && want(&m["params"]))
        {
            return self.queue.remove(n)["params"].clone();
        }
        let deadline = Instant::now() + WAIT;
        loop {
            let msg = self.next(deadline);
            if msg["method"] == method && want(&msg["params"]) {
                return msg["params"].clone();
            }
            self.queue.push(msg);
        }
    }

    /// The next diagnostics published for a file (earlier ones dropped).
    fn diagnostics(&mut self, path: &Path) -> Vec<Value> {
        let uri = uri(path);
        let params = self.wait_for("textDocument/publishDiagnostics", |p| p["uri"] == uri);
        params["diagnostics"].as_array().unwrap().clone()
    }

    fn open(&mut self, path: &Path, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({ "textDocument": { "uri": uri(path), "languageId": "hocr", "version": 1, "text": text } }),
        );
    }

    fn change(&mut self, path: &Path, version: i64, text: &str) {
        self.notify(
            "textDocument/didChange",
            json!({ "textDocument": { "uri": uri(path), "version": version }, "contentChanges": [{ "text": text }] }),
        );
    }

    fn at(path: &Path, pos: Value) -> Value {
        json!({ "textDocument": { "uri": uri(path) }, "position": pos })
    }

    /// Waits for the server to exit; its exit code.
    fn wait_exit(&mut self) -> i32 {
        let deadline = Instant::now() + WAIT;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status.code().unwrap_or(-1);
            }
            assert!(Instant::now() < deadline, "hocr lsp did not exit");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn shutdown(mut self) {
        let reply = self.request("shutdown", Value::Null);
        assert_eq!(reply["result"], Value::Null, "{reply}");
        self.notify("exit", Value::Null);
        assert_eq!(self.wait_exit(), 0);
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        // A failed test must not leave the server running.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn codes(diags: &[Value]) -> Vec<String> {
    diags
        .iter()
        .map(|d| d["code"].as_str().unwrap_or("").to_string())
        .collect()
}

#[test]
fn diagnostics_follow_the_text_with_the_checkers_codes_ranges_and_help() {
    let (_dir, _groups, recording) = rule_set("diagnostics");
    let mut c = Client::start();
    c.open(&recording, RECORDING);
    assert_eq!(c.diagnostics(&recording), Vec::<Value>::new());

    let broken = RECORDING.replace("require recorded_at within", "require recored_at within");
    c.change(&recording, 2, &broken);
    let diags = c.diagnostics(&recording);
    assert_eq!(codes(&diags), ["E002"], "{diags:?}");
    let (line, col) = pos_of(&broken, "recored_at", 0, 0);
    assert_eq!(
        diags[0]["range"],
        json!({ "start": { "line": line, "character": col }, "end": { "line": line, "character": col + 10 } })
    );
    assert_eq!(diags[0]["severity"], 1);
    assert_eq!(
        diags[0]["message"],
        "each crime has no field `recored_at`\nhelp: did you mean `recorded_at`?"
    );
    // The same as `hocr rules check` says of the same text.
    std::fs::write(&recording, &broken).unwrap();
    let (_, _, stderr) = common::hocr(&[
        "rules",
        "check",
        recording.parent().unwrap().to_str().unwrap(),
        "--error-format",
        "plain",
    ]);
    assert!(
        stderr.contains(&format!(
            "recording.hocr:{}:{}: error[E002]: each crime has no field `recored_at`",
            line + 1,
            col + 1
        )),
        "{stderr}"
    );

    // A syntax error: E001 where the parser stopped; the rest still checked.
    let half = RECORDING.replace("theme timeliness", "theme timeliness\n  require (");
    c.change(&recording, 3, &half);
    let diags = c.diagnostics(&recording);
    assert!(codes(&diags).contains(&"E001".to_string()), "{diags:?}");

    c.change(&recording, 4, RECORDING);
    assert_eq!(c.diagnostics(&recording), Vec::<Value>::new());
    c.shutdown();
}

#[test]
fn an_edit_in_one_file_shows_and_clears_diagnostics_in_another() {
    let (_dir, groups, recording) = rule_set("across");
    let mut c = Client::start();
    c.open(&groups, GROUPS);
    assert_eq!(c.diagnostics(&groups), Vec::<Value>::new());

    // Deleting a group used in recording.hocr (which is not open).
    let without = GROUPS.replace("group violence = 1, 2, 4/1..4/10\n\n", "");
    c.change(&groups, 2, &without);
    let diags = c.diagnostics(&recording);
    assert_eq!(codes(&diags), ["E003"], "{diags:?}");
    assert!(
        diags[0]["message"]
            .as_str()
            .unwrap()
            .starts_with("unknown group `violence`"),
        "{diags:?}"
    );
    let (line, col) = pos_of(RECORDING, "violence", 0, 0);
    assert_eq!(
        diags[0]["range"]["start"],
        json!({ "line": line, "character": col })
    );

    // Put back: recording.hocr is cleared.
    c.change(&groups, 3, GROUPS);
    assert_eq!(c.diagnostics(&recording), Vec::<Value>::new());
    c.shutdown();
}

#[test]
fn hover_shows_rules_groups_fields_definitions_and_codes() {
    let (_dir, _groups, recording) = rule_set("hover");
    let mut c = Client::start();
    c.open(&recording, RECORDING);
    let hover = |c: &mut Client, path: &Path, text: &str, needle: &str, nth: usize| {
        let r = c.ask(
            "textDocument/hover",
            Client::at(path, position(text, needle, nth)),
        );
        r["contents"]["value"].as_str().unwrap_or("").to_string()
    };
    let rule = hover(&mut c, &recording, RECORDING, "T001", 0);
    assert!(
        rule.contains("**T001** `late-record` — Crimes are recorded within a day"),
        "{rule}"
    );
    assert!(rule.contains("> Record it within 24 hours."), "{rule}");
    assert!(
        rule.contains("source: [Test source](https://example.org/hocr)"),
        "{rule}"
    );
    assert!(rule.contains("2 examples"), "{rule}");
    assert!(!rule.contains("Force policy"), "{rule}");
    // Force policy is shown apart from the published text.
    let rule = hover(&mut c, &recording, RECORDING, "T002", 0);
    assert!(
        rule.contains("\nForce policy: The force never records these.\n"),
        "{rule}"
    );
    assert!(!rule.contains("> "), "no quote: {rule}");

    let group = hover(&mut c, &recording, RECORDING, "violence", 0);
    assert!(
        group.starts_with("**group violence**: 3 members"),
        "{group}"
    );
    assert!(group.contains("`4/1..4/10`"), "{group}");
    assert!(group.contains("groups.hocr:3"), "{group}");

    let many = hover(&mut c, &recording, RECORDING, "many\n", 0);
    assert!(many.starts_with("**group many**: 25 members"), "{many}");
    assert!(many.contains("`20`, … and 5 more"), "{many}");
    assert!(!many.contains("`21`"), "{many}");

    let field = hover(&mut c, &recording, RECORDING, "recorded_at within", 0);
    assert!(
        field.starts_with("**recorded_at**: field of each crime"),
        "{field}"
    );
    assert!(field.contains("a time, required"), "{field}");
    assert!(
        field.contains("when the crime record was created"),
        "{field}"
    );
    // A field of the linked incident is the incident's.
    let linked = hover(&mut c, &recording, RECORDING, "incident.reported_at", 0);
    assert!(linked.is_empty(), "`incident` itself is a link: {linked}");
    let linked = hover(&mut c, &recording, RECORDING, ".reported_at", 0);
    assert!(linked.contains("field of each incident"), "{linked}");
    assert!(
        linked.contains("when police received the report"),
        "{linked}"
    );

    let define = hover(&mut c, &recording, RECORDING, "report_time is present", 0);
    assert!(
        define.contains("define report_time for each crime as\n  reported_at when reported_at is present, else incident.reported_at"),
        "{define}"
    );

    let code = hover(&mut c, &recording, RECORDING, "E004", 0);
    assert!(code.starts_with("**E004 type mismatch**"), "{code}");

    // Over nothing in particular: no hover.
    let r = c.ask(
        "textDocument/hover",
        Client::at(&recording, json!({ "line": 1, "character": 0 })),
    );
    assert_eq!(r, Value::Null);
    c.shutdown();
}

#[test]
fn hover_shows_a_rules_edition_window_and_the_fields_it_needs() {
    let (dir, _groups, _recording) = rule_set("editions");
    let path = dir.join("window.hocr");
    let text = "edition \"HOCR test\"\n\nrule T009 windowed \"A rule of one edition\" {\n  source \"Test source\" at \"https://example.org/hocr\"\n  policy \"P.\"\n  theme recording\n  severity low\n  applies from 2025-04-01 until 2026-03-31\n  for each crime\n  needs cancellation_code\n  require cancellation_code is present\n}\n";
    let mut c = Client::start();
    c.open(&path, text);
    assert_eq!(c.diagnostics(&path), Vec::<Value>::new());
    let rule = c.ask(
        "textDocument/hover",
        Client::at(&path, position(text, "T009", 0)),
    );
    let rule = rule["contents"]["value"].as_str().unwrap();
    assert!(
        rule.contains("\napplies from 2025-04-01 until 2026-03-31\n"),
        "{rule}"
    );
    let field = c.ask(
        "textDocument/hover",
        Client::at(&path, position(text, "needs cancellation_code", 0)),
    );
    assert_eq!(field, Value::Null, "`needs` is a keyword");
    let field = c.ask(
        "textDocument/hover",
        Client::at(&path, position(text, "cancellation_code\n", 0)),
    );
    let field = field["contents"]["value"].as_str().unwrap();
    assert!(
        field.starts_with("**cancellation_code**: field of each crime"),
        "{field}"
    );
    c.shutdown();
}

#[test]
fn definitions_and_references_cross_files() {
    let (_dir, groups, recording) = rule_set("definition");
    let mut c = Client::start();
    c.open(&recording, RECORDING);
    let found = c.ask(
        "textDocument/definition",
        Client::at(&recording, position(RECORDING, "violence", 0)),
    );
    let (line, col) = pos_of(GROUPS, "violence", 0, 0);
    assert_eq!(
        found,
        json!([{ "uri": uri(&groups), "range": {
            "start": { "line": line, "character": col },
            "end": { "line": line, "character": col + 8 } } }])
    );
    // A definition used in the same file.
    let found = c.ask(
        "textDocument/definition",
        Client::at(&recording, position(RECORDING, "report_time", 2)),
    );
    assert_eq!(found[0]["uri"], uri(&recording));
    assert_eq!(found[0]["range"]["start"]["line"], 3);

    // References of a group from its declaration in the other file.
    c.open(&groups, GROUPS);
    let mut refs = |with_decl: bool| {
        c.ask(
            "textDocument/references",
            json!({ "textDocument": { "uri": uri(&groups) },
                    "position": position(GROUPS, "many", 0),
                    "context": { "includeDeclaration": with_decl } }),
        )
    };
    let all = refs(true);
    let places: Vec<(String, u64)> = all
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["uri"].as_str().unwrap().to_string(),
                l["range"]["start"]["line"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        places,
        [
            (uri(&groups), pos_of(GROUPS, "many", 0, 0).0),
            (uri(&recording), pos_of(RECORDING, "not in many", 0, 0).0)
        ]
    );
    assert_eq!(refs(false).as_array().unwrap().len(), 1);

    // `working days` counts the calendars' holidays: its definition is
    // every calendar.
    let found = c.ask(
        "textDocument/definition",
        Client::at(&recording, position(RECORDING, "2 working days", 0)),
    );
    let (line, col) = pos_of(GROUPS, "holidays", 0, 0);
    assert_eq!(
        found,
        json!([{ "uri": uri(&groups), "range": {
            "start": { "line": line, "character": col },
            "end": { "line": line, "character": col + 8 } } }])
    );
    c.shutdown();
}

#[test]
fn symbols_of_a_document_and_of_the_workspace() {
    let (_dir, _groups, recording) = rule_set("symbols");
    let mut c = Client::start();
    c.open(&recording, RECORDING);
    let symbols = c.ask(
        "textDocument/documentSymbol",
        json!({ "textDocument": { "uri": uri(&recording) } }),
    );
    let names: Vec<&str> = symbols
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["report_time", "T001", "T002"]);
    let examples: Vec<&str> = symbols[1]["children"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(examples, ["late", "wrongly expected on time"]);

    let found = c.ask("workspace/symbol", json!({ "query": "t002" }));
    assert_eq!(found.as_array().unwrap().len(), 1, "{found}");
    assert_eq!(found[0]["name"], "T002 many-codes");
    assert_eq!(found[0]["location"]["uri"], uri(&recording));
    c.shutdown();
}

#[test]
fn formatting_edits_nothing_when_formatted_and_refuses_syntax_errors() {
    let (_dir, _groups, recording) = rule_set("format");
    let mut c = Client::start();
    let params = json!({ "textDocument": { "uri": uri(&recording) },
                         "options": { "tabSize": 2, "insertSpaces": true } });
    c.open(&recording, RECORDING);
    assert_eq!(c.ask("textDocument/formatting", params.clone()), json!([]));

    let messy = RECORDING.replace("  theme timeliness", "      theme    timeliness  ");
    c.change(&recording, 2, &messy);
    let edits = c.ask("textDocument/formatting", params.clone());
    assert_eq!(edits.as_array().unwrap().len(), 1, "{edits}");
    assert_eq!(edits[0]["newText"], RECORDING);
    assert_eq!(
        edits[0]["range"]["start"],
        json!({ "line": 0, "character": 0 })
    );
    let lines = messy.lines().count() as u64;
    assert_eq!(
        edits[0]["range"]["end"],
        json!({ "line": lines, "character": 0 })
    );

    let broken = RECORDING.replace("theme timeliness", "theme timeliness\n  require (");
    c.change(&recording, 3, &broken);
    let reply = c.request("textDocument/formatting", params);
    let message = reply["error"]["message"].as_str().unwrap_or("");
    assert!(
        message.starts_with("not formatted: the file has 1 syntax error"),
        "{reply}"
    );
    c.shutdown();
}

#[test]
fn completion_offers_fields_groups_definitions_and_keywords() {
    let (_dir, _groups, recording) = rule_set("completion");
    let mut c = Client::start();
    let labels = |c: &mut Client, text: &str, needle: &str| -> Vec<String> {
        c.change(&recording, 2, text);
        let (line, character) = pos_of(text, needle, 0, needle.len());
        let items = c.ask(
            "textDocument/completion",
            Client::at(&recording, json!({ "line": line, "character": character })),
        );
        items
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["label"].as_str().unwrap().to_string())
            .collect()
    };
    c.open(&recording, RECORDING);
    let has = |l: &[String], w: &str| l.iter().any(|x| x == w);

    // After `for each crime`: the crime's fields and definitions.
    let text = RECORDING.replace("  where report_time is present", "  where rec");
    let l = labels(&mut c, &text, "  where rec");
    for w in [
        "recorded_at",
        "offence_code",
        "cancellation_code",
        "report_time",
        "violence",
        "and",
    ] {
        assert!(has(&l, w), "{w} in {l:?}");
    }
    assert!(!has(&l, "closing_code"), "an incident's field: {l:?}");

    // Through a link: the linked record's fields.
    let text = RECORDING.replace("  where report_time is present", "  where incident.rep");
    let l = labels(&mut c, &text, "  where incident.rep");
    assert!(has(&l, "closing_code") && has(&l, "reported_at"), "{l:?}");
    assert!(!has(&l, "recorded_at") && !has(&l, "report_time"), "{l:?}");
    assert!(
        !has(&l, "violence") && !has(&l, "and"),
        "fields only: {l:?}"
    );

    // `for each incident` instead: the incident's.
    let text = RECORDING.replace(
        "  for each crime\n  where report_time is present",
        "  for each incident\n  where clo",
    );
    let l = labels(&mut c, &text, "  where clo");
    assert!(has(&l, "closing_code") && !has(&l, "recorded_at"), "{l:?}");

    // After `in`: groups only.
    let text = RECORDING.replace("offence_code not in many", "offence_code not in ");
    let l = labels(&mut c, &text, "not in ");
    assert_eq!(l, ["violence", "sexual", "many"]);

    // After `for each`: the subjects.
    let text = RECORDING.replace("  for each crime\n  where", "  for each \n  where");
    let l = labels(&mut c, &text, "  for each ");
    assert_eq!(
        l,
        ["incident", "crime", "update", "timestamp", "optional value"]
    );

    // At the start of a line in a rule: clause keywords.
    let text = RECORDING.replace("  theme timeliness\n", "  theme timeliness\n  re\n");
    let l = labels(&mut c, &text, "\n  re");
    for w in ["require", "where", "for each", "example", "quote"] {
        assert!(has(&l, w), "{w} in {l:?}");
    }
    c.shutdown();
}

#[test]
fn code_lens_runs_a_rules_examples_and_reports_pass_and_fail() {
    let (_dir, _groups, recording) = rule_set("lens");
    let mut c = Client::start();
    c.open(&recording, RECORDING);
    let lenses = c.ask(
        "textDocument/codeLens",
        json!({ "textDocument": { "uri": uri(&recording) } }),
    );
    let lenses = lenses.as_array().unwrap().clone();
    assert_eq!(lenses.len(), 2, "{lenses:?}");
    assert_eq!(lenses[0]["command"]["title"], "▶ run examples (2)");
    assert_eq!(lenses[1]["command"]["title"], "no examples");
    let (line, _) = pos_of(RECORDING, "T001", 0, 0);
    assert_eq!(lenses[0]["range"]["start"]["line"], line);
    let command = lenses[0]["command"].clone();
    assert_eq!(command["command"], "hocr.runExamples");

    let result = c.ask(
        "workspace/executeCommand",
        json!({ "command": command["command"], "arguments": command["arguments"] }),
    );
    assert_eq!(result["rule"], "T001");
    assert_eq!(result["passed"], 1);
    assert_eq!(result["failed"], 1);
    let report = result["report"].as_str().unwrap();
    assert!(report.contains("PASS T001 \"late\""), "{report}");
    assert!(
        report.contains("FAIL T001 \"wrongly expected on time\""),
        "{report}"
    );
    assert!(report.contains("actual   1 finding (late)"), "{report}");
    let shown = c.wait_for("window/showMessage", |_| true);
    assert_eq!(shown["type"], 2, "a warning: {shown}");
    assert!(
        shown["message"]
            .as_str()
            .unwrap()
            .starts_with("T001: 1 of 2 examples passed"),
        "{shown}"
    );
    // The lens shows the last result.
    let lenses = c.ask(
        "textDocument/codeLens",
        json!({ "textDocument": { "uri": uri(&recording) } }),
    );
    assert_eq!(
        lenses[0]["command"]["title"],
        "✗ 1 failed, 1 passed · run examples"
    );

    // With errors in the set, nothing runs and the editor is told why.
    c.change(
        &recording,
        2,
        &RECORDING.replace("in violence", "in violense"),
    );
    let result = c.ask(
        "workspace/executeCommand",
        json!({ "command": "hocr.runExamples", "arguments": [uri(&recording), "T001"] }),
    );
    assert!(
        result["error"]
            .as_str()
            .unwrap()
            .contains("cannot run while the rule set has errors"),
        "{result}"
    );
    c.shutdown();
}

#[test]
fn half_typed_text_never_stops_the_server() {
    let (_dir, _groups, recording) = rule_set("typing");
    let mut c = Client::start();
    c.open(&recording, "");
    // Every prefix of the file as it is typed, a few bytes at a time, with
    // hover and completion at the end of each tenth.
    let ends: Vec<usize> = (0..=RECORDING.len()).step_by(7).collect();
    for (n, &end) in ends.iter().enumerate() {
        let text = &RECORDING[..end];
        c.change(&recording, n as i64 + 2, text);
        if n % 10 == 0 {
            let (line, character) = pos_of(text, "", 0, end);
            let at = Client::at(&recording, json!({ "line": line, "character": character }));
            c.ask("textDocument/hover", at.clone());
            c.ask("textDocument/completion", at);
        }
    }
    c.change(&recording, 1000, RECORDING);
    c.ask(
        "textDocument/documentSymbol",
        json!({ "textDocument": { "uri": uri(&recording) } }),
    );
    let diags = c.wait_for("textDocument/publishDiagnostics", |p| {
        p["uri"] == uri(&recording) && p["diagnostics"] == json!([])
    });
    assert_eq!(diags["diagnostics"], json!([]));
    c.shutdown();
}

#[test]
fn the_server_exits_when_its_input_closes() {
    let mut c = Client::start();
    drop(c.stdin.take());
    assert_eq!(c.wait_exit(), 0);
}

#[test]
fn exit_without_shutdown_exits_1() {
    let mut c = Client::start();
    c.notify("exit", Value::Null);
    assert_eq!(c.wait_exit(), 1);
}

#[test]
fn the_shipped_rules_open_clean_with_quotes_on_hover() {
    // A copy of `rules/`: its text may change, so only its shape is asserted.
    let dir = common::temp("lsp-shipped");
    for entry in std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("rules")).unwrap() {
        let p = entry.unwrap().path();
        std::fs::copy(&p, dir.join(p.file_name().unwrap())).unwrap();
    }
    let recording = dir.join("recording.hocr");
    let text = std::fs::read_to_string(&recording).unwrap();
    let mut c = Client::start();
    c.open(&recording, &text);
    let errors: Vec<Value> = c
        .diagnostics(&recording)
        .into_iter()
        .filter(|d| d["severity"] == 1)
        .collect();
    assert_eq!(errors, Vec::<Value>::new());
    let at = text.find("\nrule ").expect("a rule in recording.hocr") + "\nrule ".len();
    let (line, col) = pos_of(&text, "", 0, at);
    let hover = c.ask(
        "textDocument/hover",
        Client::at(&recording, json!({ "line": line, "character": col + 1 })),
    );
    let value = hover["contents"]["value"].as_str().unwrap();
    assert!(value.contains("\n> "), "a quote: {value}");
    assert!(value.contains("\nsource: "), "a source: {value}");
    c.shutdown();
}

#[test]
fn an_unsaved_file_joins_its_directorys_set_and_is_cleared_when_closed() {
    let (dir, _groups, _recording) = rule_set("unsaved");
    let draft = dir.join("draft.hocr");
    let text = "edition \"HOCR test\"\n\nrule D001 draft \"A draft\" {\n  source \"Test source\" at \"https://example.org/hocr\"\n  quote \"Draft.\"\n  theme recording\n  severity low\n  for each crime\n  require offence_code not in violense\n}\n";
    let mut c = Client::start();
    c.open(&draft, text);
    // `violence` is declared in groups.hocr, read from the disk.
    let diags = c.diagnostics(&draft);
    assert_eq!(codes(&diags), ["E003"], "{diags:?}");
    assert!(
        diags[0]["message"]
            .as_str()
            .unwrap()
            .ends_with("help: did you mean `violence`?"),
        "{diags:?}"
    );
    c.notify(
        "textDocument/didClose",
        json!({ "textDocument": { "uri": uri(&draft) } }),
    );
    assert_eq!(c.diagnostics(&draft), Vec::<Value>::new());
    c.shutdown();
}
