//! Reading the HTML report's markup in tests: its tags and their attributes. Report data is
//! escaped (`<`, `>`, `&`, `"`, `'`), so a `<` followed by a letter, `/` or `!` is always markup,
//! and an attribute value never holds a raw `"`.
#![allow(dead_code)]

/// A tag: its lowercase name (`/p` for a closing tag) and its attributes (name, value).
#[derive(Debug)]
pub struct Tag<'a> {
    pub name: String,
    pub attrs: Vec<(String, &'a str)>,
    pub text: &'a str,
}

/// Every tag of the page, outside the text of `<style>` and `<script>` (which is ours).
pub fn tags(html: &str) -> Vec<Tag<'_>> {
    let mut out = Vec::new();
    let mut at = 0;
    while let Some(rel) = html[at..].find('<') {
        let start = at + rel;
        let first = html[start + 1..].chars().next();
        if !first.is_some_and(|c| c.is_ascii_alphabetic() || c == '/' || c == '!') {
            at = start + 1;
            continue;
        }
        let (tag, end) = parse(html, start);
        at = end;
        if tag.name == "style" || tag.name == "script" {
            let close = format!("</{}", tag.name);
            at += html[at..].find(&close).expect("closed");
        }
        out.push(tag);
    }
    out
}

fn parse(html: &str, start: usize) -> (Tag<'_>, usize) {
    let b = html.as_bytes();
    let mut i = start + 1;
    let name_start = i;
    while i < b.len() && !b[i].is_ascii_whitespace() && b[i] != b'>' {
        i += 1;
    }
    let name = html[name_start..i]
        .trim_end_matches('/')
        .to_ascii_lowercase();
    let mut attrs = Vec::new();
    loop {
        while i < b.len() && (b[i].is_ascii_whitespace() || b[i] == b'/') {
            i += 1;
        }
        if i >= b.len() || b[i] == b'>' {
            break;
        }
        let a = i;
        while i < b.len() && !b[i].is_ascii_whitespace() && b[i] != b'=' && b[i] != b'>' {
            i += 1;
        }
        let attr = html[a..i].to_ascii_lowercase();
        let mut value = "";
        if i < b.len() && b[i] == b'=' {
            i += 1;
            assert_eq!(
                b[i],
                b'"',
                "attribute values are double-quoted: {}",
                &html[start..i + 20]
            );
            let v = i + 1;
            let len = html[v..].find('"').expect("a closing quote");
            value = &html[v..v + len];
            i = v + len + 1;
        }
        attrs.push((attr, value));
    }
    let end = (i + 1).min(html.len());
    (
        Tag {
            name,
            attrs,
            text: &html[start..end],
        },
        end,
    )
}

/// The page asks for nothing and runs only its own script: no `src`, no stylesheet or font
/// link, no event-handler attribute, no `url(` or `@import`, links only to anchors of the
/// page or to `https://` references, a policy that forbids every request.
pub fn assert_self_contained(html: &str) {
    let tags = tags(html);
    let scripts = tags.iter().filter(|t| t.name == "script").count();
    assert_eq!(scripts, 1, "one script, the page's own");
    for t in &tags {
        for bad in [
            "img",
            "link",
            "iframe",
            "object",
            "embed",
            "base",
            "image",
            "use",
            "foreignobject",
        ] {
            assert_ne!(t.name, bad, "{}", t.text);
        }
        for (name, value) in &t.attrs {
            assert!(!name.starts_with("on"), "event handler: {}", t.text);
            assert!(
                ![
                    "src",
                    "srcset",
                    "xlink:href",
                    "action",
                    "formaction",
                    "poster",
                    "background"
                ]
                .contains(&name.as_str()),
                "{}",
                t.text
            );
            if name == "href" {
                assert!(
                    value.starts_with('#') || (t.name == "a" && value.starts_with("https://")),
                    "{}",
                    t.text
                );
            }
        }
    }
    let style = html
        .split("<style>")
        .nth(1)
        .unwrap()
        .split("</style>")
        .next()
        .unwrap();
    assert!(
        !style.contains("url(") && !style.contains("@import"),
        "CSS loads nothing"
    );
    assert!(
        html.contains("content=\"default-src 'none'; style-src 'sha256-"),
        "a policy that forbids requests"
    );
}
