//! Shell completions and the man page are generated from the CLI definition and list every
//! subcommand and flag.

mod common;

use clap::CommandFactory;
use common::*;
use drready::cli::Cli;

/// (subcommand path, long flags) of every visible command, depth first.
fn commands() -> Vec<(String, Vec<String>)> {
    fn walk(cmd: &clap::Command, path: &str, out: &mut Vec<(String, Vec<String>)>) {
        let flags = cmd
            .get_arguments()
            .filter(|a| !a.is_hide_set())
            .filter_map(|a| a.get_long().map(|l| format!("--{l}")))
            .collect();
        out.push((path.to_string(), flags));
        for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
            let p = if path.is_empty() {
                sub.get_name().to_string()
            } else {
                format!("{path} {}", sub.get_name())
            };
            walk(sub, &p, out);
        }
    }
    let mut out = Vec::new();
    walk(&Cli::command(), "", &mut out);
    out
}

#[test]
fn completions_name_every_subcommand_and_flag() {
    let all = commands();
    assert!(all.len() > 10, "{all:?}");
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let (code, script, err) = run(&["completions", shell]);
        assert_eq!(code, 0, "{err}");
        for (path, flags) in &all {
            if let Some(last) = path.rsplit(' ').next().filter(|l| !l.is_empty()) {
                assert!(script.contains(last), "{shell}: subcommand {path} missing");
            }
            for f in flags {
                // fish writes long flags without their dashes (`-l flag`).
                let bare = f.trim_start_matches('-');
                assert!(
                    script.contains(f.as_str()) || (shell == "fish" && script.contains(bare)),
                    "{shell}: {path} {f} missing"
                );
            }
        }
    }
    let (code, _, err) = run(&["completions", "tcsh"]);
    assert_eq!(code, 2);
    assert!(err.contains("bash"), "the choices are listed: {err}");
}

#[test]
fn the_man_page_documents_every_subcommand_and_flag() {
    let (code, page, err) = run(&["man"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        page.starts_with(".ie") || page.contains(".TH drready 1"),
        "{page}"
    );
    // roff escapes dashes: `\-\-format`.
    let roff = |s: &str| s.replace('-', "\\-");
    for (path, flags) in commands() {
        if !path.is_empty() {
            let header = format!(".SH \"DRREADY {}\"", path.to_uppercase());
            let top = path.split(' ').next().unwrap().to_uppercase();
            assert!(
                page.contains(&header) || page.contains(&format!(".SH \"DRREADY {top}\"")),
                "section for {path} missing"
            );
        }
        for f in flags {
            assert!(
                page.contains(&roff(&f)),
                "{path} {f} missing from the man page"
            );
        }
    }
    assert!(page.contains("4 an output could not be written"));
}
