//! The report as text for a terminal (colour and bars) or a log (plain), within a width.

use super::{plural, readable, thousands, Finding, Permission, Report, RoleEntry};
use crate::budget::Measure;
use crate::plan::RoleSource;

pub const WIDTH: usize = 80;
/// Narrower than this and nothing fits; the text is made for this width instead.
const MIN_WIDTH: usize = 40;
const BAR_CELLS: usize = 20;
/// Roles named in one finding before "and N more".
const ROLES_SHOWN: usize = 6;
/// Indent of a value after its label (`  functions  `).
const VALUE_COLUMN: usize = 13;

struct Out {
    lines: Vec<String>,
    color: bool,
    width: usize,
}

impl Out {
    fn paint(&self, code: &str, text: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }

    fn blank(&mut self) {
        self.lines.push(String::new());
    }

    /// Words filled into lines of `width`, the first starting with `first`, the others with `rest`;
    /// `painter` colours each word. A word too long for a line is broken after a `/`, `:` or `-`.
    fn fill(&mut self, first: &str, rest: &str, words: &[String], painter: Option<&str>) {
        let mut line = first.to_string();
        let mut used = first.chars().count();
        let mut fresh = true;
        for word in words {
            let len = visible(word);
            // a word to break loses its colour
            let plain;
            let mut word = if rest.chars().count() + len > self.width && word.contains('\x1b') {
                plain = strip(word);
                plain.as_str()
            } else {
                word.as_str()
            };
            if !fresh && used + 1 + len > self.width {
                self.lines.push(std::mem::replace(&mut line, rest.to_string()));
                used = rest.chars().count();
                fresh = true;
            }
            if !fresh {
                line.push(' ');
                used += 1;
            }
            // too long even for a fresh line: break it
            while !word.is_empty() && used + visible(word) > self.width {
                let room = self.width.saturating_sub(used).max(1);
                let (head, tail) = break_word(word, room);
                line.push_str(&self.paint_opt(painter, head));
                self.lines.push(std::mem::replace(&mut line, rest.to_string()));
                used = rest.chars().count();
                word = tail;
            }
            line.push_str(&self.paint_opt(painter, word));
            used += visible(word);
            fresh = false;
        }
        self.lines.push(line);
    }

    fn paint_opt(&self, painter: Option<&str>, text: &str) -> String {
        match painter {
            Some(code) => self.paint(code, text),
            None => text.to_string(),
        }
    }

    /// `  label      value…` with the value filled from the value column.
    fn row(&mut self, label: &str, words: &[String]) {
        let first = format!("  {label:<width$}", width = VALUE_COLUMN - 2);
        self.fill(&first, &" ".repeat(VALUE_COLUMN), words, None);
    }
}

/// Splits `word` so that the head has at most `room` characters, after the last `/`, `:`, `-` or `,`
/// in it if there is one.
fn break_word(word: &str, room: usize) -> (&str, &str) {
    let cut = word.char_indices().nth(room).map_or(word.len(), |(i, _)| i);
    let head = &word[..cut];
    let at = head.rfind(['/', ':', '-', ',']).map(|i| i + 1).filter(|&i| i > 0 && i < word.len()).unwrap_or(cut);
    word.split_at(at)
}

fn words(text: &str) -> Vec<String> {
    text.split_whitespace().map(str::to_string).collect()
}

/// A list as words, with commas: `a,` `b,` `c`.
fn listed(items: &[String]) -> Vec<String> {
    let n = items.len();
    items.iter().enumerate().map(|(i, s)| if i + 1 < n { format!("{s},") } else { s.clone() }).collect()
}

fn size_words(out: &Out, m: &Measure) -> Vec<String> {
    let pct = m.percent();
    let figures = format!("{} of {} characters", thousands(m.size), thousands(m.limit));
    if !out.color {
        return words(&format!("{figures} ({pct}%)"));
    }
    let filled = ((m.size * BAR_CELLS + m.limit / 2) / m.limit.max(1)).min(BAR_CELLS);
    let code = if pct > super::findings::NEAR_LIMIT_PERCENT {
        "31"
    } else if pct >= 60 {
        "33"
    } else {
        "32"
    };
    let bar = format!("{}{}", out.paint(code, &"█".repeat(filled)), "░".repeat(BAR_CELLS - filled));
    let mut w = vec![bar, format!("{pct}%")];
    w.extend(words(&figures));
    w
}

fn role_kind(role: &RoleEntry) -> String {
    match role.role_source {
        RoleSource::Shared => "shared role".into(),
        RoleSource::Dedicated => "dedicated role".into(),
        RoleSource::Custom => match &role.from {
            Some(from) => format!("custom role, from {from}"),
            None => "custom role".into(),
        },
    }
}

fn permission(out: &mut Out, p: &Permission) {
    let deny = p.effect != "Allow";
    let service = if p.service == "*" { "any service".to_string() } else { p.service.clone() };
    let mut head = Vec::new();
    if deny {
        head.push(out.paint("31", "deny"));
    }
    head.push(out.paint("1", &format!("{service}:")));
    if p.except_actions {
        head.extend(words("all except"));
    }
    head.extend(listed(&p.actions));
    let on = if p.except_resources { "on all except" } else { "on" };
    let visible = |w: &[String]| w.iter().map(|x| strip(x).chars().count() + 1).sum::<usize>();
    let single = p.resources.len() == 1 && p.condition.is_none();
    if single && 2 + visible(&head) + on.len() + 1 + p.resources[0].chars().count() <= out.width {
        head.extend(words(on));
        head.push(p.resources[0].clone());
        out.fill("  ", "    ", &head, None);
        return;
    }
    out.fill("  ", "    ", &head, None);
    for (i, r) in p.resources.iter().enumerate() {
        let lead = if i == 0 { format!("    {on} ") } else { " ".repeat(5 + on.len()) };
        out.fill(&lead, &" ".repeat(lead.len()), std::slice::from_ref(r), None);
    }
    if let Some(c) = &p.condition {
        out.fill("    when ", "         ", &words(c), None);
    }
}

/// Columns a word takes on screen.
fn visible(s: &str) -> usize {
    if s.contains('\x1b') {
        strip(s).chars().count()
    } else {
        s.chars().count()
    }
}

/// Text without colour codes, to measure it.
fn strip(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            for d in chars.by_ref() {
                if d == 'm' {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

fn role(out: &mut Out, r: &RoleEntry) {
    let title = out.paint("1", &r.label());
    let kind = out.paint("2", &format!("({})", role_kind(r)));
    let mut head = vec![title];
    head.extend(words(&strip(&kind)).into_iter().map(|w| out.paint("2", &w)));
    out.fill("", "    ", &head, None);
    if let Some(name) = &r.name {
        out.row("name", &[readable(name)]);
    }
    out.row("functions", &listed(&r.functions));
    if let Some(s) = &r.size {
        let mut w = size_words(out, &s.inline);
        if s.outcome == crate::budget::Outcome::Compacted {
            w.push("(compacted)".into());
        }
        out.row("policy", &w);
        for m in &s.managed_policies {
            let mut w = vec![format!("{}:", m.logical_id)];
            w.extend(size_words(out, m));
            out.row("split off", &w);
        }
    }
    for (i, arn) in r.managed_policy_arns.iter().enumerate() {
        out.row(if i == 0 { "managed" } else { "" }, &[readable(arn)]);
    }
    match &r.statements {
        None => out.row("grants", &words("not shown: the role is not defined in this service")),
        Some(s) if s.is_empty() => out.row("grants", &words("no inline statements")),
        Some(_) => {
            for p in &r.permissions {
                permission(out, p);
            }
        }
    }
}

fn named_roles(roles: &[String]) -> Vec<String> {
    let mut shown: Vec<String> = roles.iter().take(ROLES_SHOWN).cloned().collect();
    if roles.len() > ROLES_SHOWN {
        shown.push(format!("and {} more", roles.len() - ROLES_SHOWN));
    }
    listed(&shown)
}

fn finding(out: &mut Out, f: &Finding) {
    let mut head = vec![out.paint("33", "!")];
    head.extend(words(&f.message).into_iter().map(|w| out.paint("33", &w)));
    head.push(out.paint("2", &format!("[{}]", f.code)));
    out.fill("  ", "    ", &head, None);
    let mut roles = words(if f.roles.len() == 1 { "role" } else { "roles" });
    roles.extend(named_roles(&f.roles));
    out.fill("    ", "      ", &roles, None);
    if let Some(path) = &f.path {
        out.fill("    ", "      ", &[String::from("from"), path.clone()], None);
    }
    let mut fix = vec![String::from("fix:")];
    fix.extend(words(&f.hint));
    out.fill("    ", "      ", &fix, None);
}

pub fn text(report: &Report, color: bool, width: usize) -> String {
    let mut out = Out { lines: Vec::new(), color, width: width.max(MIN_WIDTH) };
    let title = out.paint("1", &format!("IAM of {}", report.service));
    let mut head = vec![title];
    head.extend(words(&format!("(stage {}, region {})", report.stage, report.region)));
    out.fill("", "  ", &head, None);
    let roles = report.roles.iter().filter(|r| r.role_source != RoleSource::Custom).count();
    let custom = report.roles.len() - roles;
    let mut counts = format!(
        "{} for {}",
        plural(roles, "generated role", "generated roles"),
        plural(report.functions.len(), "function", "functions")
    );
    if custom > 0 {
        counts.push_str(&format!(", {}", plural(custom, "custom role", "custom roles")));
    }
    counts.push_str(&format!("; {}", plural(report.findings.len(), "finding", "findings")));
    out.fill("", "  ", &words(&counts), None);
    for r in &report.roles {
        out.blank();
        role(&mut out, r);
    }
    out.blank();
    if report.findings.is_empty() {
        out.lines.push("No findings.".into());
    } else {
        let title = out.paint("1", &format!("Findings ({})", report.findings.len()));
        out.lines.push(title);
        for f in &report.findings {
            finding(&mut out, f);
        }
    }
    if !report.warnings.is_empty() {
        out.blank();
        let title = out.paint("1", &format!("Warnings ({})", report.warnings.len()));
        out.lines.push(title);
        for w in &report.warnings {
            let mut head = vec![out.paint("33", "!")];
            head.extend(words(&w.message));
            head.push(out.paint("2", &format!("[{}]", w.code)));
            out.fill("  ", "    ", &head, None);
            if !w.path.is_empty() {
                out.fill("    ", "      ", &[String::from("at"), w.path.clone()], None);
            }
            let mut fix = vec![String::from("fix:")];
            fix.extend(words(&w.hint));
            out.fill("    ", "      ", &fix, None);
        }
    }
    let mut text = out.lines.join("\n");
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_words_break_after_a_separator() {
        assert_eq!(break_word("arn:aws:s3:::bucket/key", 12), ("arn:aws:s3::", ":bucket/key"));
        assert_eq!(break_word("arn:aws:s3:::bucket/key", 11), ("arn:aws:s3:", "::bucket/key"));
        assert_eq!(break_word("abcdefgh", 3), ("abc", "defgh"));
    }

    #[test]
    fn fill_keeps_every_line_within_the_width() {
        let mut out = Out { lines: Vec::new(), color: false, width: 40 };
        let w: Vec<String> = [
            "alpha,",
            "beta,",
            "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:/aws/lambda/x:*",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        out.fill("  ", "    ", &w, None);
        assert!(out.lines.iter().all(|l| l.chars().count() <= 40), "{:?}", out.lines);
        assert_eq!(out.lines.concat().replace(' ', ""), w.concat());
    }
}
