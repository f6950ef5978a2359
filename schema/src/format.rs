//! The canonical formatter: what `prisma format` prints.
//!
//! Owns: turning parsed schema files back into canonical text, byte for byte as Prisma 7 does,
//! including the "magic" that completes relations (missing back-relation fields, missing
//! `@relation(fields: .., references: ..)` arguments and the scalar fields they need).
//!
//! How Prisma formats (learnt from the reference CLI, see the tests):
//! - Inside a block, lines are laid out as a table: field name, type and attributes (or key and
//!   `= value`, or enum value and attributes) are aligned in columns. A blank line starts a new
//!   table; comment lines do not. Runs of blank lines become one; blank lines at the start and
//!   end of a block are dropped.
//! - Block attributes (`@@...`) move to the end of the block, after one blank line, sorted
//!   `id, unique, default, updatedAt, index, fulltext, map, relation, ignore`, then the others in
//!   source order. The comment lines directly above a block attribute move with it. Field
//!   attributes are sorted the same way; enum value attributes keep their order.
//! - Trailing comments follow the last column after one space; they are not aligned.
//! - A `/* */` comment on a line of its own becomes `/**`, ` * line`, ` */`.
//! - At the top level, a block's `}` is always followed by a blank line; other blank lines are
//!   kept, collapsed to one; blank lines at the start and end of the file are dropped. A
//!   comment after a block's `{` is dropped.
//! - Expressions are re-spaced (`f(a, b: c)`, `[a, b]`, trailing commas dropped); literals are
//!   printed as written. Legacy type aliases are printed as written.
//! - Text is measured in bytes for alignment.
//!
//! Deliberate differences, where Prisma's output is not a fixpoint of its own formatter or is
//! not a valid schema: a comment on the same line as a `}` gets a blank line before it (Prisma
//! adds it on its second run); a field added to a named relation carries the relation name; an
//! unnamed self-relation that gets completed is named `ModelToModel` on both sides; `key =`
//! without a value keeps its `=`. Quarry accepts arguments spread over several lines (Prisma
//! does not); they are printed on one line.

use crate::ast::*;
use crate::diagnostics::Diagnostics;
use crate::source::{FileId, SourceMap};
use std::borrow::Cow;

/// Formats one schema file. Parse errors are returned unchanged.
///
/// Missing back-relation fields are inferred from this file alone; use [`format_files`] when a
/// schema spans several files.
pub fn format_schema(text: &str) -> Result<String, Diagnostics> {
    let files = [("schema.prisma".to_string(), text.to_string())];
    match format_files(&files) {
        Ok(mut out) => Ok(out.pop().unwrap_or_else(|| "\n".to_string())),
        Err((_, diags)) => Err(diags),
    }
}

/// Formats every file of a multi-file schema, in the order given.
///
/// All files are parsed first (file `i` gets `FileId(i)`); if any has a syntax error, the source
/// map and the diagnostics are returned. Otherwise missing relation fields are inferred across
/// all files and added to the file that holds the model lacking them, and each file is
/// formatted.
pub fn format_files(files: &[(String, String)]) -> Result<Vec<String>, (SourceMap, Diagnostics)> {
    let mut sources = SourceMap::new();
    let mut diags = Diagnostics::new();
    let mut asts = Vec::with_capacity(files.len());
    for (i, (name, text)) in files.iter().enumerate() {
        let id = sources.add(name.clone(), text.clone());
        debug_assert_eq!(id, FileId(i as u32));
        asts.push(crate::parser::parse(text, id, &mut diags));
    }
    if diags.has_errors() {
        return Err((sources, diags));
    }
    let texts: Vec<&str> = files.iter().map(|(_, t)| t.as_str()).collect();
    let inserts = magic::missing_bits(&texts, &asts);
    let out = texts
        .iter()
        .zip(&asts)
        .enumerate()
        .map(|(i, (text, ast))| {
            let mine: Vec<&magic::Insertion> = inserts.iter().filter(|b| b.file == i).collect();
            format_enriched(text, ast, &mine, FileId(i as u32))
        })
        .collect();
    Ok(out)
}

/// Applies the insertions to the text, re-parses and formats. Falls back to formatting the
/// original tree if the enriched text does not parse.
fn format_enriched(
    text: &str,
    ast: &SchemaAst,
    inserts: &[&magic::Insertion],
    id: FileId,
) -> String {
    if inserts.is_empty() {
        return render_file(text, ast);
    }
    let enriched = magic::splice(text, inserts);
    let mut diags = Diagnostics::new();
    let enriched_ast = crate::parser::parse(&enriched, id, &mut diags);
    if diags.has_errors() {
        return render_file(text, ast);
    }
    render_file(&enriched, &enriched_ast)
}

/// Renders one parsed file.
fn render_file(src: &str, ast: &SchemaAst) -> String {
    let printer = Printer {
        src,
        comments: scan_comments(src),
    };
    let mut out = Out::default();
    printer.top_level(ast, &mut out);
    if !out.buf.ends_with('\n') {
        out.buf.push('\n');
    }
    out.buf
}

// ---- output ---------------------------------------------------------------------------------

/// The output stream: indents lazily, at the first write of each line.
#[derive(Default)]
struct Out {
    buf: String,
    indent: usize,
}

impl Out {
    fn write(&mut self, text: &str) {
        if self.buf.is_empty() || self.buf.ends_with('\n') {
            self.buf.push_str(&" ".repeat(self.indent * 2));
        }
        self.buf.push_str(text);
    }

    fn end_line(&mut self) {
        self.buf.push('\n');
    }
}

/// One row of a [`Table`].
enum Row {
    /// Aligned cells, then free text (a comment) that does not take part in the alignment.
    Cells(Vec<String>, String),
    /// A line printed as is.
    Raw(String),
}

/// Rows whose cells are aligned in columns when rendered.
#[derive(Default)]
struct Table {
    rows: Vec<Row>,
}

impl Table {
    fn cells(&mut self, cells: Vec<String>, suffix: String) {
        self.rows.push(Row::Cells(cells, suffix));
    }

    fn text(&mut self, text: impl Into<String>) {
        self.rows.push(Row::Cells(Vec::new(), text.into()));
    }

    fn blank(&mut self) {
        self.rows.push(Row::Cells(Vec::new(), String::new()));
    }

    fn raw(&mut self, text: impl Into<String>) {
        self.rows.push(Row::Raw(text.into()));
    }

    /// Writes the rows and empties the table.
    fn render(&mut self, out: &mut Out) {
        let widths = self.column_widths();
        for row in self.rows.drain(..) {
            match row {
                Row::Cells(cells, suffix) => render_cells(out, &cells, &suffix, &widths),
                Row::Raw(text) => out.write(&text),
            }
            out.end_line();
        }
    }

    fn column_widths(&mut self) -> Vec<usize> {
        let mut widths: Vec<usize> = Vec::new();
        for row in &mut self.rows {
            if let Row::Cells(cells, _) = row {
                while cells.last().is_some_and(|c| c.is_empty()) {
                    cells.pop();
                }
                if widths.len() < cells.len() {
                    widths.resize(cells.len(), 0);
                }
                for (w, c) in widths.iter_mut().zip(cells.iter()) {
                    *w = (*w).max(c.len());
                }
            }
        }
        widths
    }
}

fn render_cells(out: &mut Out, cells: &[String], suffix: &str, widths: &[usize]) {
    for (i, cell) in cells.iter().enumerate() {
        out.write(cell);
        if i + 1 < cells.len() {
            let pad = widths
                .get(i)
                .copied()
                .unwrap_or(0)
                .saturating_sub(cell.len())
                + 1;
            out.write(&" ".repeat(pad));
        }
    }
    if !suffix.is_empty() {
        if !cells.is_empty() {
            out.write(" ");
        }
        out.write(suffix);
    }
}

// ---- comments -------------------------------------------------------------------------------

/// Byte ranges of every comment in a file, in order (strings are skipped).
fn scan_comments(src: &str) -> Vec<(usize, usize)> {
    let b = src.as_bytes();
    let mut found = Vec::new();
    let mut i = 0;
    let mut in_string = false;
    while i < b.len() {
        let c = b[i];
        if in_string {
            match c {
                b'\\' => i += 1,
                b'"' | b'\n' | b'\r' => in_string = false,
                _ => {}
            }
            i += 1;
            continue;
        }
        let next = b.get(i + 1).copied();
        let end = match (c, next) {
            (b'"', _) => {
                in_string = true;
                i + 1
            }
            (b'/', Some(b'/')) => {
                let end = src[i..].find(['\n', '\r']).map_or(b.len(), |p| i + p);
                found.push((i, end));
                end
            }
            (b'/', Some(b'*')) => {
                let end = src[i + 2..].find("*/").map_or(b.len(), |p| i + 2 + p + 2);
                found.push((i, end));
                end
            }
            _ => i + 1,
        };
        i = end;
    }
    found
}

/// Number of line breaks (`\n`, `\r\n` or a lone `\r`) in a piece of text.
fn count_newlines(text: &str) -> usize {
    let b = text.as_bytes();
    b.iter()
        .enumerate()
        .filter(|&(i, &c)| c == b'\n' || (c == b'\r' && b.get(i + 1) != Some(&b'\n')))
        .count()
}

/// The canonical lines of a `/* */` comment: `/**`, ` * text` per non-empty line, ` */`.
fn block_comment_lines(raw: &str) -> Vec<String> {
    let inner = raw
        .strip_prefix("/*")
        .map(|s| s.strip_suffix("*/").unwrap_or(s))
        .unwrap_or(raw);
    let mut lines = vec!["/**".to_string()];
    for line in inner.lines() {
        let line = line.trim();
        let line = line.strip_prefix('*').map(str::trim_start).unwrap_or(line);
        if !line.is_empty() {
            lines.push(format!(" * {line}"));
        }
    }
    lines.push(" */".to_string());
    lines
}

/// A comment on a line of its own, as it appears in the source.
#[derive(Clone)]
struct CommentLine<'a> {
    raw: Cow<'a, str>,
    start: usize,
    end: usize,
}

impl CommentLine<'_> {
    fn is_block(&self) -> bool {
        self.raw.starts_with("/*")
    }

    /// Adds the comment to a table as one row, or several for a `/* */` comment.
    fn add_to(&self, table: &mut Table) {
        if self.is_block() {
            for line in block_comment_lines(&self.raw) {
                table.text(line);
            }
        } else {
            table.text(self.raw.clone());
        }
    }
}

// ---- printer --------------------------------------------------------------------------------

/// Prints the trees of one file, reading literals and comments from its text.
struct Printer<'s> {
    src: &'s str,
    comments: Vec<(usize, usize)>,
}

/// A top-level element in source order.
enum TopTok<'a> {
    Comment(CommentLine<'a>),
    Block(&'a Top),
    Alias(&'a TypeAlias),
}

/// A top-level element with its extent; comments own the line break that ends them.
struct Placed<'a> {
    tok: TopTok<'a>,
    start: usize,
    end: usize,
}

impl Placed<'_> {
    /// Line breaks between this and the next element that make a blank line in the output. A
    /// comment ends with its own line break.
    fn line_breaks_needed(&self) -> usize {
        match self.tok {
            TopTok::Comment(_) => 2,
            TopTok::Block(_) | TopTok::Alias(_) => 1,
        }
    }

    /// A block is always followed by a blank line. (Prisma omits it when the next element is
    /// on the same line as the `}`, and adds it when formatting its own output again.)
    fn is_block(&self) -> bool {
        matches!(self.tok, TopTok::Block(_))
    }
}

/// An element of a block body.
enum Entry<'a> {
    /// One or more blank lines.
    Blank,
    /// Comment lines with no blank line between them.
    Comments(Vec<CommentLine<'a>>),
    /// A field, enum value, key-value pair or unparsable line.
    Line(&'a BlockItem),
    /// A block attribute with its trailing comment.
    Attribute(&'a Attribute, Option<&'a Comment>),
}

impl<'s> Printer<'s> {
    fn slice(&self, start: usize, end: usize) -> Option<&'s str> {
        self.src.get(start..end)
    }

    /// The comment's exact text (the tree keeps a copy without trailing whitespace).
    fn comment_raw<'a>(&'a self, c: &'a Comment) -> &'a str {
        self.slice(c.span.start, c.span.end)
            .filter(|s| s.starts_with('/'))
            .unwrap_or(&c.text)
    }

    fn comment_line<'a>(&'a self, c: &'a Comment) -> CommentLine<'a> {
        CommentLine {
            raw: Cow::Borrowed(self.comment_raw(c)),
            start: c.span.start,
            end: c.span.end,
        }
    }

    /// The `///` comments directly above an item starting at `start`, as written.
    fn doc_lines(&self, start: usize, docs: &[String]) -> Vec<CommentLine<'s>> {
        if docs.is_empty() {
            return Vec::new();
        }
        let before = self.comments.partition_point(|&(_, end)| end <= start);
        let found = &self.comments[before.saturating_sub(docs.len())..before];
        let lines: Vec<CommentLine<'s>> = found
            .iter()
            .filter_map(|&(s, e)| {
                self.slice(s, e)
                    .filter(|t| t.starts_with("///"))
                    .map(|raw| CommentLine {
                        raw: Cow::Borrowed(raw),
                        start: s,
                        end: e,
                    })
            })
            .collect();
        if lines.len() == docs.len() {
            return lines;
        }
        // Not found in the text (should not happen): rebuild from the tree, at the item.
        docs.iter()
            .map(|d| CommentLine {
                raw: Cow::Owned(doc_comment_text(d)),
                start,
                end: start,
            })
            .collect()
    }

    // ---- top level ----

    fn top_level(&self, ast: &SchemaAst, out: &mut Out) {
        let toks = self.top_tokens(ast);
        let mut prev: Option<&Placed<'_>> = None;
        for tok in &toks {
            if let Some(p) = prev {
                let gap = self.slice(p.end, tok.start).unwrap_or("");
                if p.is_block() || count_newlines(gap) >= p.line_breaks_needed() {
                    out.end_line();
                }
            }
            self.top_token(&tok.tok, out);
            prev = Some(tok);
        }
    }

    fn top_tokens<'a>(&'a self, ast: &'a SchemaAst) -> Vec<Placed<'a>> {
        let mut toks = Vec::new();
        for top in &ast.tops {
            let (docs, span) = match top {
                Top::Model(m) => (&m.documentation, m.span),
                Top::Enum(e) => (&e.documentation, e.span),
                Top::Config(c) => (&c.documentation, c.span),
                Top::Comment(c) => {
                    toks.push(placed_comment(self.comment_line(c)));
                    continue;
                }
                Top::TypeAlias(a) => {
                    self.alias_tokens(a, &mut toks);
                    continue;
                }
            };
            toks.extend(
                self.doc_lines(span.start, docs)
                    .into_iter()
                    .map(placed_comment),
            );
            toks.push(Placed {
                tok: TopTok::Block(top),
                start: span.start,
                end: span.end,
            });
        }
        toks
    }

    fn alias_tokens<'a>(&'a self, a: &'a TypeAlias, toks: &mut Vec<Placed<'a>>) {
        let end = a
            .attributes
            .last()
            .map_or(a.field_type.span.end, |at| at.span.end);
        toks.push(Placed {
            tok: TopTok::Alias(a),
            start: a.span.start,
            end,
        });
        if let Some(c) = &a.trailing_comment {
            toks.push(placed_comment(self.comment_line(c)));
        }
    }

    fn top_token(&self, tok: &TopTok<'_>, out: &mut Out) {
        match tok {
            TopTok::Comment(c) => {
                let mut table = Table::default();
                c.add_to(&mut table);
                table.render(out);
            }
            TopTok::Alias(a) => out.write(&self.alias_text(a)),
            TopTok::Block(top) => self.block(top, out),
        }
    }

    /// A legacy type alias is printed as written (Prisma does not parse it further).
    fn alias_text(&self, a: &TypeAlias) -> String {
        let end = a
            .attributes
            .last()
            .map_or(a.field_type.span.end, |at| at.span.end);
        match self.slice(a.span.start, end) {
            Some(text) => text.to_string(),
            None => {
                let mut s = format!("type {} = {}", a.name.name, self.type_text(&a.field_type));
                for at in &a.attributes {
                    s.push(' ');
                    s.push_str(&self.attribute("@", at));
                }
                s
            }
        }
    }

    // ---- blocks ----

    fn block(&self, top: &Top, out: &mut Out) {
        let (keyword, name, items, span) = match top {
            Top::Model(m) => (m.kind.keyword(), &m.name, &m.items, m.span),
            Top::Enum(e) => ("enum", &e.name, &e.items, e.span),
            Top::Config(c) => {
                let kw = match c.kind {
                    ConfigKind::Datasource => "datasource",
                    ConfigKind::Generator => "generator",
                };
                (kw, &c.name, &c.items, c.span)
            }
            Top::Comment(_) | Top::TypeAlias(_) => return,
        };
        let header = format!("{keyword} {} {{", name.name);
        if items.is_empty() && self.is_one_line(span) {
            out.write(&format!("{header}}}"));
            out.end_line();
            return;
        }
        out.write(&header);
        out.end_line();
        out.indent += 1;
        let entries = self.entries(items);
        self.block_body(&entries, out);
        out.indent -= 1;
        out.write("}");
        out.end_line();
    }

    fn is_one_line(&self, span: crate::source::Span) -> bool {
        self.slice(span.start, span.end)
            .is_some_and(|s| count_newlines(s) == 0)
    }

    /// Groups the items of a block into comment runs, lines, attributes and blank lines.
    fn entries<'a>(&'a self, items: &'a [BlockItem]) -> Vec<Entry<'a>> {
        let mut entries: Vec<Entry<'a>> = Vec::new();
        let mut prev_end: Option<usize> = None;
        for item in items {
            for (start, end, piece) in self.pieces(item) {
                if let Some(p) = prev_end {
                    let gap = self.slice(p, start).unwrap_or("");
                    if count_newlines(gap) >= 2 {
                        entries.push(Entry::Blank);
                    }
                }
                prev_end = Some(end);
                push_piece(&mut entries, piece);
            }
        }
        entries
    }

    /// One block item as positioned pieces: its doc comment lines, then itself.
    fn pieces<'a>(&'a self, item: &'a BlockItem) -> Vec<(usize, usize, Piece<'a>)> {
        let mut out = Vec::new();
        let (docs, start, trailing) = match item {
            BlockItem::Field(f) => (&f.documentation[..], f.span.start, &f.trailing_comment),
            BlockItem::EnumValue(v) => (&v.documentation[..], v.span.start, &v.trailing_comment),
            BlockItem::KeyValue(kv) => (&[][..], kv.span.start, &kv.trailing_comment),
            BlockItem::Attribute(a, c) => {
                let end = c
                    .as_ref()
                    .map_or(a.span.end, |c| c.span.end.max(a.span.end));
                out.push((a.span.start, end, Piece::Attribute(a, c.as_ref())));
                return out;
            }
            BlockItem::Comment(c) => {
                out.push((
                    c.span.start,
                    c.span.end,
                    Piece::Comment(self.comment_line(c)),
                ));
                return out;
            }
            BlockItem::Error(s) => {
                out.push((s.start, s.end, Piece::Line(item)));
                return out;
            }
        };
        for doc in self.doc_lines(start, docs) {
            out.push((doc.start, doc.end, Piece::Comment(doc)));
        }
        let span = item.span();
        let end = trailing
            .as_ref()
            .map_or(span.end, |c| c.span.end.max(span.end));
        out.push((start, end, Piece::Line(item)));
        out
    }

    /// Lays out a block body the way Prisma does (see the module documentation).
    fn block_body(&self, entries: &[Entry<'_>], out: &mut Out) {
        let mut table = Table::default();
        let mut attributes: Vec<MovedAttribute<'_, '_>> = Vec::new();
        let mut pending: Option<&[CommentLine<'_>]> = None;
        // Whether a line has been laid out: a blank line before the first one is dropped
        // (Prisma keeps it when block attributes come first, and drops it on its next run).
        let mut started = false;
        let mut i = entries
            .iter()
            .position(|e| !matches!(e, Entry::Blank))
            .unwrap_or(entries.len());
        loop {
            let ate_blank = matches!(entries.get(i), Some(Entry::Blank));
            if ate_blank {
                i += 1;
                if started && matches!(entries.get(i), Some(Entry::Line(_))) {
                    table.render(out);
                    table.blank();
                }
            }
            let Some(entry) = entries.get(i) else { break };
            i += 1;
            match entry {
                Entry::Blank => {}
                Entry::Comments(lines) => {
                    if matches!(entries.get(i), Some(Entry::Attribute(..))) {
                        pending = Some(lines);
                    } else {
                        if ate_blank && started {
                            table.render(out);
                            table.blank();
                        }
                        lines.iter().for_each(|l| l.add_to(&mut table));
                        started = true;
                    }
                }
                Entry::Line(item) => {
                    self.line_row(item, &mut table);
                    started = true;
                }
                Entry::Attribute(attribute, trailing) => attributes.push(MovedAttribute {
                    comments: pending.take(),
                    attribute,
                    trailing: *trailing,
                }),
            }
        }
        table.render(out);
        self.block_attributes(attributes, &mut table);
        table.render(out);
    }

    /// Sorted block attributes, each after the comments that were directly above it.
    fn block_attributes(&self, mut attributes: Vec<MovedAttribute<'_, '_>>, table: &mut Table) {
        if attributes.is_empty() {
            return;
        }
        table.blank();
        attributes.sort_by_key(|m| attribute_rank(&m.attribute.name.name));
        for moved in attributes {
            moved
                .comments
                .unwrap_or_default()
                .iter()
                .for_each(|l| l.add_to(table));
            let suffix = moved.trailing.map(|c| self.comment_raw(c).to_string());
            table.cells(
                vec![self.attribute("@@", moved.attribute)],
                suffix.unwrap_or_default(),
            );
        }
    }

    fn line_row(&self, item: &BlockItem, table: &mut Table) {
        let (cells, trailing) = match item {
            BlockItem::Field(f) => (self.field_cells(f), &f.trailing_comment),
            BlockItem::EnumValue(v) => (self.enum_value_cells(v), &v.trailing_comment),
            BlockItem::KeyValue(kv) => (self.key_value_cells(kv), &kv.trailing_comment),
            BlockItem::Error(s) => {
                let text = self.slice(s.start, s.end).unwrap_or("").trim();
                table.raw(text);
                return;
            }
            BlockItem::Attribute(..) | BlockItem::Comment(_) => return,
        };
        let suffix = trailing
            .as_ref()
            .map(|c| self.comment_raw(c).to_string())
            .unwrap_or_default();
        table.cells(cells, suffix);
    }

    fn field_cells(&self, f: &Field) -> Vec<String> {
        let ty = f
            .field_type
            .as_ref()
            .map(|t| self.type_text(t))
            .unwrap_or_default();
        let mut attrs: Vec<&Attribute> = f.attributes.iter().collect();
        attrs.sort_by_key(|a| attribute_rank(&a.name.name));
        let attrs: Vec<String> = attrs.iter().map(|a| self.attribute("@", a)).collect();
        vec![f.name.name.clone(), ty, attrs.join(" ")]
    }

    /// Enum value attributes keep their order and, like in Prisma, are not separated.
    fn enum_value_cells(&self, v: &EnumValue) -> Vec<String> {
        let attrs: String = v
            .attributes
            .iter()
            .map(|a| self.attribute("@", a))
            .collect();
        vec![v.name.name.clone(), attrs]
    }

    fn key_value_cells(&self, kv: &KeyValue) -> Vec<String> {
        // Without a value Prisma prints the key alone, which no longer parses; keeping the `=`
        // keeps formatting idempotent (the schema is invalid either way).
        let value = match &kv.value {
            Some(v) => format!("= {}", self.expr(v)),
            None => "=".to_string(),
        };
        vec![kv.key.name.clone(), value]
    }

    fn type_text(&self, t: &FieldType) -> String {
        let raw = self.slice(t.span.start, t.span.end).unwrap_or("");
        let base = match (t.spelling, t.arity) {
            (TypeSpelling::Normal, Arity::Optional) => raw.strip_suffix('?'),
            (TypeSpelling::Normal, Arity::List) => raw.strip_suffix("[]"),
            (TypeSpelling::Normal, Arity::Required) => Some(raw),
            (TypeSpelling::OptionalList, _) => raw.strip_suffix("[]?"),
            (TypeSpelling::LegacyRequired, _) => raw.strip_suffix('!'),
            (TypeSpelling::LegacyList, _) => raw
                .strip_prefix('[')
                .and_then(|s| s.strip_suffix(']'))
                .map(str::trim),
        };
        let base = match base {
            Some(b) if !b.is_empty() => b.to_string(),
            _ => match &t.name {
                TypeName::Named(id) => id.name.clone(),
                TypeName::Unsupported(s, _) => format!("Unsupported({})", quote(s)),
            },
        };
        let suffix = match (t.spelling, t.arity) {
            (TypeSpelling::OptionalList, _) => "[]?",
            (_, Arity::Optional) => "?",
            (_, Arity::List) => "[]",
            (_, Arity::Required) => "",
        };
        format!("{base}{suffix}")
    }

    // ---- attributes and expressions ----

    fn attribute(&self, prefix: &str, a: &Attribute) -> String {
        let mut s = format!("{prefix}{}", a.name.name);
        if a.has_parens {
            s.push('(');
            s.push_str(&self.arguments(&a.arguments));
            s.push(')');
        }
        s
    }

    fn arguments(&self, args: &[Argument]) -> String {
        let parts: Vec<String> = args.iter().map(|a| self.argument(a)).collect();
        parts.join(", ")
    }

    fn argument(&self, a: &Argument) -> String {
        match (&a.name, &a.value) {
            (Some(n), Some(v)) => format!("{}: {}", n.name, self.expr(v)),
            (Some(n), None) => format!("{}: ", n.name),
            (None, Some(v)) => self.expr(v),
            (None, None) => String::new(),
        }
    }

    fn expr(&self, e: &Expr) -> String {
        match e {
            Expr::String(value, span) => match self.slice(span.start, span.end) {
                Some(raw) if raw.len() >= 2 && raw.starts_with('"') && raw.ends_with('"') => {
                    raw.to_string()
                }
                _ => quote(value),
            },
            Expr::Number(n, _) => n.clone(),
            Expr::Constant(c, _) => c.clone(),
            Expr::Function(name, args, _) => format!("{}({})", name.name, self.arguments(args)),
            Expr::Array(items, _) => {
                let items: Vec<String> = items.iter().map(|i| self.expr(i)).collect();
                format!("[{}]", items.join(", "))
            }
        }
    }
}

/// A block attribute on its way to the end of the block, with the comments above it.
struct MovedAttribute<'e, 'a> {
    comments: Option<&'e [CommentLine<'a>]>,
    attribute: &'a Attribute,
    trailing: Option<&'a Comment>,
}

/// A positioned piece of a block item, before grouping.
enum Piece<'a> {
    Comment(CommentLine<'a>),
    Line(&'a BlockItem),
    Attribute(&'a Attribute, Option<&'a Comment>),
}

fn push_piece<'a>(entries: &mut Vec<Entry<'a>>, piece: Piece<'a>) {
    match piece {
        Piece::Comment(line) => match entries.last_mut() {
            Some(Entry::Comments(lines)) => lines.push(line),
            _ => entries.push(Entry::Comments(vec![line])),
        },
        Piece::Line(item) => entries.push(Entry::Line(item)),
        Piece::Attribute(a, c) => entries.push(Entry::Attribute(a, c)),
    }
}

fn placed_comment(line: CommentLine<'_>) -> Placed<'_> {
    Placed {
        start: line.start,
        end: line.end,
        tok: TopTok::Comment(line),
    }
}

/// A doc comment rebuilt from the tree's text (without the slashes).
fn doc_comment_text(doc: &str) -> String {
    if doc.is_empty() {
        "///".to_string()
    } else {
        format!("/// {doc}")
    }
}

/// Where an attribute goes when attributes are sorted; unknown ones keep their order at the end.
fn attribute_rank(name: &str) -> usize {
    const ORDER: [&str; 9] = [
        "id",
        "unique",
        "default",
        "updatedAt",
        "index",
        "fulltext",
        "map",
        "relation",
        "ignore",
    ];
    ORDER.iter().position(|o| *o == name).unwrap_or(usize::MAX)
}

/// A string literal for a value: for relation names the formatter adds, and for literals whose
/// source text is unavailable.
fn quote(value: &str) -> String {
    let mut s = String::with_capacity(value.len() + 2);
    s.push('"');
    for c in value.chars() {
        match c {
            '"' => s.push_str("\\\""),
            '\\' => s.push_str("\\\\"),
            '\n' => s.push_str("\\n"),
            '\r' => s.push_str("\\r"),
            '\t' => s.push_str("\\t"),
            c if (c as u32) < 0x20 => s.push_str(&format!("\\u{:04x}", c as u32)),
            c => s.push(c),
        }
    }
    s.push('"');
    s
}

// ---- relation magic ---------------------------------------------------------------------------

/// Completes relations the way `prisma format` does, by inserting text into the source.
///
/// For every 1:1 or 1:n relation: the missing back-relation field is added to the referenced
/// model, a missing forward field (when only the list side exists) is added to the referencing
/// model with `@relation(fields: .., references: ..)` and its scalar fields (native type copied
/// from the referenced field), and missing `@relation` attributes or `fields`/`references`
/// arguments are filled in. Skipped entirely when the schema has errors that make relations
/// ambiguous (unknown types, unknown fields in `fields`/`references`, duplicate names).
mod magic {
    use super::inflect::{camel_case, lower_first, pluralize, upper_first};
    use crate::ast::*;
    use std::collections::HashMap;

    /// Text to insert at a byte offset of a file.
    pub(super) struct Insertion {
        pub(super) file: usize,
        pub(super) pos: usize,
        pub(super) text: String,
        /// A new line before a model's `}` (rather than text inside a field line).
        pub(super) new_line: bool,
    }

    /// Applies insertions (of one file) to its text, in the order given per offset, except
    /// that text for a field line goes before new lines at the same offset (which only happens
    /// when a `}` follows a field on its line).
    pub(super) fn splice(text: &str, inserts: &[&Insertion]) -> String {
        let mut sorted: Vec<&Insertion> = inserts.to_vec();
        sorted.sort_by_key(|b| (b.pos, b.new_line));
        let mut out = String::with_capacity(text.len() + 256);
        let mut last = 0;
        for b in sorted {
            let pos = b.pos.clamp(last, text.len());
            if !text.is_char_boundary(pos) {
                continue;
            }
            out.push_str(&text[last..pos]);
            let insert = match b.text.strip_prefix('\n') {
                Some(rest) if out.ends_with('\n') => rest,
                _ => &b.text,
            };
            out.push_str(insert);
            last = pos;
        }
        out.push_str(&text[last..]);
        out
    }

    const SCALARS: [&str; 9] = [
        "String", "Boolean", "Int", "BigInt", "Float", "Decimal", "DateTime", "Json", "Bytes",
    ];

    /// A model or view, with its fields in order.
    struct ModelRef<'a> {
        file: usize,
        src: &'a str,
        model: &'a Model,
        fields: Vec<&'a Field>,
        /// Field names to positions in `fields` (unique: `sound` checked it).
        field_ids: HashMap<&'a str, usize>,
        /// The field lists of the `@@unique` attributes, in order.
        compound_uniques: Vec<Vec<String>>,
        /// Primary key first, then `@unique` fields, then `@@unique`s: lists of field indexes.
        unique_criterias: Vec<Vec<usize>>,
        /// `@@ignore`.
        is_ignored: bool,
    }

    impl<'a> ModelRef<'a> {
        fn name(&self) -> &'a str {
            &self.model.name.name
        }

        fn field_index(&self, name: &str) -> Option<usize> {
            self.field_ids.get(name).copied()
        }

        fn scalar_field_exists(&self, schema: &Schema<'_>, name: &str) -> bool {
            self.field_index(name)
                .is_some_and(|i| schema.is_scalar(self.fields[i]))
        }

        fn find_unique_criterias(&self) -> Vec<Vec<usize>> {
            let has = |f: &Field, n: &str| f.attributes.iter().any(|a| a.name.name == n);
            let resolve = |names: &[String]| -> Option<Vec<usize>> {
                names.iter().map(|n| self.field_index(n)).collect()
            };
            let mut out = Vec::new();
            if let Some(i) = self.fields.iter().position(|f| has(f, "id")) {
                out.push(vec![i]);
            } else if let Some(pk) = self.model.attributes().find(|a| a.name.name == "id") {
                out.extend(index_fields(pk).and_then(|names| resolve(&names)));
            }
            for (i, f) in self.fields.iter().enumerate() {
                if has(f, "unique") {
                    out.push(vec![i]);
                }
            }
            out.extend(
                self.compound_uniques
                    .iter()
                    .filter_map(|names| resolve(names)),
            );
            out
        }
    }

    /// A field whose type is a model.
    struct RelField<'a> {
        model: usize,
        field: usize,
        target: usize,
        arity: Arity,
        name: Option<String>,
        attr: Option<&'a Attribute>,
        fields: Option<Vec<String>>,
        references: Option<Vec<String>>,
    }

    /// The kind of a relation.
    #[derive(Clone, Copy, PartialEq, Eq)]
    enum Shape {
        OneToOne,
        OneToMany,
        ManyToMany,
    }

    /// A relation: model A holds the foreign key (forward field), model B the back field.
    struct Relation {
        shape: Shape,
        /// The explicit relation name, from whichever side has it.
        name: Option<String>,
        model_a: usize,
        model_b: usize,
        forward: Option<usize>,
        back: Option<usize>,
    }

    /// A scalar field that the forward side needs, inferred from the referenced model.
    struct Inferred<'a> {
        name: String,
        arity: Arity,
        blueprint: &'a Field,
        blueprint_src: &'a str,
    }

    /// All models and views of all files (in file, then source order) and their relation
    /// fields, in the order Prisma walks them.
    struct Schema<'a> {
        models: Vec<ModelRef<'a>>,
        by_name: HashMap<&'a str, usize>,
        rel_fields: Vec<RelField<'a>>,
        /// Relation fields by (model, target model, relation name), in `rel_fields` order.
        by_ends: HashMap<RelationEnds, Vec<usize>>,
    }

    type RelationEnds = (usize, usize, Option<String>);

    /// Everything to insert, in Prisma's order (stable per offset).
    pub(super) fn missing_bits(texts: &[&str], asts: &[SchemaAst]) -> Vec<Insertion> {
        if !sound(asts) {
            return Vec::new();
        }
        let schema = Schema::new(texts, asts);
        let relations: Vec<Relation> = (0..schema.rel_fields.len())
            .filter_map(|i| schema.ingest(i))
            .filter(|r| r.shape != Shape::ManyToMany)
            .collect();
        let mut bits = Vec::new();
        for r in &relations {
            schema.missing_relation_fields(r, &mut bits);
            schema.missing_scalar_fields(r, &mut bits);
        }
        for r in &relations {
            schema.missing_relation_attribute(r, &mut bits);
        }
        for r in &relations {
            schema.missing_relation_arguments(r, &mut bits);
        }
        bits
    }

    // ---- soundness ----

    /// False when relations cannot be resolved reliably: then nothing is inserted. These are
    /// the errors that stop Prisma's own inference (the common ones: unknown types, duplicate
    /// names, bad `fields`/`references`, attributes misused on relation fields).
    fn sound(asts: &[SchemaAst]) -> bool {
        let mut names: HashMap<&str, usize> = HashMap::new();
        for ast in asts {
            for m in ast.models() {
                *names.entry(&m.name.name).or_default() += 1;
            }
            for e in ast.enums() {
                *names.entry(&e.name.name).or_default() += 1;
            }
        }
        if names.values().any(|&n| n > 1) {
            return false;
        }
        let models: HashMap<&str, &Model> = asts
            .iter()
            .flat_map(|a| a.models())
            .filter(|m| m.kind != ModelKind::CompositeType)
            .map(|m| (&*m.name.name, m))
            .collect();
        let fields: HashMap<&str, HashMap<&str, &Field>> = asts
            .iter()
            .flat_map(|a| a.models())
            .map(|m| {
                let by_name = m.fields().map(|f| (f.name.name.as_str(), f)).collect();
                (&*m.name.name, by_name)
            })
            .collect();
        let cx = Soundness {
            names: &names,
            models: &models,
            fields: &fields,
        };
        asts.iter().flat_map(|a| a.models()).all(|m| cx.model(m))
    }

    /// The names the soundness checks resolve against.
    struct Soundness<'a> {
        names: &'a HashMap<&'a str, usize>,
        models: &'a HashMap<&'a str, &'a Model>,
        /// Each block's fields by name.
        fields: &'a HashMap<&'a str, HashMap<&'a str, &'a Field>>,
    }

    impl Soundness<'_> {
        fn field_named(&self, m: &Model, name: &str) -> Option<&Field> {
            self.fields.get(m.name.name.as_str())?.get(name).copied()
        }

        /// The model a field points to, if it is a relation field.
        fn target(&self, f: &Field) -> Option<&Model> {
            match &f.field_type.as_ref()?.name {
                TypeName::Named(id) => self.models.get(id.name.as_str()).copied(),
                TypeName::Unsupported(..) => None,
            }
        }

        fn model(&self, m: &Model) -> bool {
            let mut seen = std::collections::HashSet::new();
            if !m.fields().all(|f| seen.insert(f.name.name.as_str())) {
                return false;
            }
            let ids = m
                .fields()
                .filter(|f| f.attributes.iter().any(|a| a.name.name == "id"))
                .count()
                + m.attributes().filter(|a| a.name.name == "id").count();
            ids <= 1
                && m.attributes().all(|a| self.block_attribute(m, a))
                && m.fields().all(|f| self.field(m, f))
        }

        /// Index-like block attributes must name existing scalar fields.
        fn block_attribute(&self, m: &Model, a: &Attribute) -> bool {
            if !matches!(
                a.name.name.as_str(),
                "id" | "unique" | "index" | "fulltext" | "shardKey"
            ) {
                return true;
            }
            index_fields(a).is_some_and(|names| {
                names.iter().all(|n| {
                    self.field_named(m, n)
                        .is_some_and(|f| self.target(f).is_none())
                })
            })
        }

        fn field(&self, m: &Model, f: &Field) -> bool {
            let Some(t) = &f.field_type else { return false };
            if f.attributes
                .iter()
                .filter(|a| a.name.name.contains('.'))
                .count()
                > 1
            {
                return false;
            }
            let relation = f.attributes.iter().find(|a| a.name.name == "relation");
            let TypeName::Named(id) = &t.name else {
                return relation.is_none();
            };
            let name = id.name.as_str();
            if !SCALARS.contains(&name) && !self.names.contains_key(name) {
                return false;
            }
            let Some(target) = self.target(f) else {
                return relation.is_none();
            };
            let only_relation_attributes = f
                .attributes
                .iter()
                .all(|a| matches!(a.name.name.as_str(), "relation" | "ignore"));
            let arguments_resolve = match relation {
                Some(rel) => {
                    self.names_exist(rel, "fields", m)
                        && self.names_exist(rel, "references", target)
                }
                None => true,
            };
            only_relation_attributes && arguments_resolve
        }

        /// The `fields:`/`references:` argument, if present, names existing fields of `model`.
        fn names_exist(&self, rel: &Attribute, arg: &str, model: &Model) -> bool {
            match rel.named(arg) {
                None => true,
                Some(a) => a
                    .value
                    .as_ref()
                    .and_then(constant_list)
                    .is_some_and(|l| l.iter().all(|n| self.field_named(model, n).is_some())),
            }
        }
    }

    // ---- collection ----

    impl<'a> Schema<'a> {
        fn new(texts: &[&'a str], asts: &'a [SchemaAst]) -> Self {
            let mut models = Vec::new();
            for (file, (ast, src)) in asts.iter().zip(texts).enumerate() {
                for m in ast.models().filter(|m| m.kind != ModelKind::CompositeType) {
                    let fields: Vec<&Field> = m.fields().collect();
                    let field_ids = fields
                        .iter()
                        .enumerate()
                        .map(|(i, f)| (f.name.name.as_str(), i))
                        .collect();
                    let mut model = ModelRef {
                        file,
                        src,
                        model: m,
                        fields,
                        field_ids,
                        compound_uniques: m
                            .attributes()
                            .filter(|a| a.name.name == "unique")
                            .filter_map(index_fields)
                            .collect(),
                        unique_criterias: Vec::new(),
                        is_ignored: m.attributes().any(|a| a.name.name == "ignore"),
                    };
                    model.unique_criterias = model.find_unique_criterias();
                    models.push(model);
                }
            }
            let by_name = models
                .iter()
                .enumerate()
                .map(|(i, m)| (m.name(), i))
                .collect();
            let mut schema = Schema {
                models,
                by_name,
                rel_fields: Vec::new(),
                by_ends: HashMap::new(),
            };
            let rel_fields = schema.collect_relation_fields();
            let mut by_ends: HashMap<RelationEnds, Vec<usize>> = HashMap::new();
            for (i, rf) in rel_fields.iter().enumerate() {
                by_ends
                    .entry((rf.model, rf.target, rf.name.clone()))
                    .or_default()
                    .push(i);
            }
            schema.rel_fields = rel_fields;
            schema.by_ends = by_ends;
            schema
        }

        fn target_of(&self, f: &Field) -> Option<usize> {
            match &f.field_type.as_ref()?.name {
                TypeName::Named(id) => self.by_name.get(id.name.as_str()).copied(),
                TypeName::Unsupported(..) => None,
            }
        }

        fn collect_relation_fields(&self) -> Vec<RelField<'a>> {
            let mut out = Vec::new();
            for (mi, m) in self.models.iter().enumerate() {
                for (fi, f) in m.fields.iter().enumerate() {
                    let Some(target) = self.target_of(f) else {
                        continue;
                    };
                    let attr = f.attributes.iter().find(|a| a.name.name == "relation");
                    out.push(RelField {
                        model: mi,
                        field: fi,
                        target,
                        arity: f.field_type.as_ref().map_or(Arity::Required, |t| t.arity),
                        name: attr.and_then(relation_name),
                        attr,
                        fields: attr.and_then(|a| {
                            a.named("fields")?.value.as_ref().and_then(constant_list)
                        }),
                        references: attr.and_then(|a| {
                            a.named("references")?
                                .value
                                .as_ref()
                                .and_then(constant_list)
                        }),
                    });
                }
            }
            out
        }

        fn is_scalar(&self, f: &Field) -> bool {
            self.target_of(f).is_none()
        }

        // ---- relation inference (mirrors Prisma's parser database) ----

        fn opposite(&self, i: usize) -> Option<usize> {
            let rf = &self.rel_fields[i];
            let self_relation = rf.model == rf.target;
            self.by_ends
                .get(&(rf.target, rf.model, rf.name.clone()))?
                .iter()
                .copied()
                .find(|&o| !(self_relation && self.rel_fields[o].field == rf.field))
        }

        fn sort_key(&self, i: usize) -> (&str, &str) {
            let rf = &self.rel_fields[i];
            let m = &self.models[rf.model];
            (m.name(), &m.fields[rf.field].name.name)
        }

        /// The relation this field defines, or `None` when its opposite field defines it (each
        /// relation is met twice, once from each side).
        fn ingest(&self, i: usize) -> Option<Relation> {
            let rf = &self.rel_fields[i];
            let Some(o) = self.opposite(i) else {
                return Some(self.one_sided(i));
            };
            let this_first = self.sort_key(i) <= self.sort_key(o);
            let shape = match (rf.arity, self.rel_fields[o].arity) {
                (Arity::List, Arity::List) => {
                    let (a, b) = (self.models[rf.model].name(), self.models[rf.target].name());
                    let self_relation = rf.model == rf.target;
                    if a > b || (self_relation && self.sort_key(i).1 > self.sort_key(o).1) {
                        return None;
                    }
                    Shape::ManyToMany
                }
                (Arity::List, _) | (Arity::Optional, Arity::Required) => return None,
                (Arity::Required, Arity::Optional) => Shape::OneToOne,
                (Arity::Required, Arity::Required) if this_first => Shape::OneToOne,
                (Arity::Required, Arity::Required) => return None,
                (Arity::Optional, Arity::Optional) => {
                    let forward_here =
                        rf.fields.is_some() || (self.rel_fields[o].fields.is_none() && this_first);
                    if !forward_here {
                        return None;
                    }
                    Shape::OneToOne
                }
                (_, Arity::List) => Shape::OneToMany,
            };
            Some(Relation {
                shape,
                name: rf.name.clone(),
                model_a: rf.model,
                model_b: rf.target,
                forward: Some(i),
                back: Some(o),
            })
        }

        /// A relation field without an opposite field.
        fn one_sided(&self, i: usize) -> Relation {
            let rf = &self.rel_fields[i];
            if rf.arity == Arity::List {
                return Relation {
                    shape: Shape::OneToMany,
                    name: rf.name.clone(),
                    model_a: rf.target,
                    model_b: rf.model,
                    forward: None,
                    back: Some(i),
                };
            }
            let unique = rf
                .fields
                .as_ref()
                .is_some_and(|fs| self.fields_are_unique(rf.model, fs));
            Relation {
                shape: if unique {
                    Shape::OneToOne
                } else {
                    Shape::OneToMany
                },
                name: rf.name.clone(),
                model_a: rf.model,
                model_b: rf.target,
                forward: Some(i),
                back: None,
            }
        }

        /// Whether a `@unique` or `@@unique` covers exactly these fields (in this order).
        fn fields_are_unique(&self, model: usize, fields: &[String]) -> bool {
            let m = &self.models[model];
            let field_level = match fields {
                [only] => m.field_index(only).is_some_and(|i| {
                    m.fields[i]
                        .attributes
                        .iter()
                        .any(|a| a.name.name == "unique")
                }),
                _ => false,
            };
            field_level || m.compound_uniques.iter().any(|fs| fs == fields)
        }

        fn unique_criterias(&self, model: usize) -> &[Vec<usize>] {
            &self.models[model].unique_criterias
        }

        fn is_strict(&self, model: usize, criteria: &[usize]) -> bool {
            criteria.iter().all(|&i| {
                self.models[model].fields[i]
                    .field_type
                    .as_ref()
                    .is_some_and(|t| {
                        t.arity == Arity::Required && matches!(t.name, TypeName::Named(_))
                    })
            })
        }

        fn forward(&self, r: &Relation) -> Option<&RelField<'a>> {
            r.forward.map(|i| &self.rel_fields[i])
        }

        /// Scalar fields of model A that would reference model B's first unique criteria.
        fn infer_scalars(&self, r: &Relation) -> Vec<Inferred<'a>> {
            let b = &self.models[r.model_b];
            let a = &self.models[r.model_a];
            let Some(criteria) = self.unique_criterias(r.model_b).first() else {
                return Vec::new();
            };
            criteria
                .iter()
                .map(|&fi| {
                    let field = b.fields[fi];
                    let name =
                        format!("{}{}", lower_first(b.name()), upper_first(&field.name.name));
                    let existing = a
                        .field_index(&name)
                        .map(|i| a.fields[i])
                        .filter(|f| self.is_scalar(f));
                    let arity = match existing {
                        Some(f) => f.field_type.as_ref().map_or(Arity::Required, |t| t.arity),
                        None => self.forward(r).map_or(Arity::Optional, |f| f.arity),
                    };
                    Inferred {
                        name,
                        arity,
                        blueprint: field,
                        blueprint_src: b.src,
                    }
                })
                .collect()
        }

        fn fields_argument(&self, r: &Relation) -> String {
            let names: Vec<String> = self.infer_scalars(r).into_iter().map(|f| f.name).collect();
            format!("fields: [{}]", names.join(", "))
        }

        fn references_argument(&self, r: &Relation) -> String {
            let names: Vec<String> = match self.forward(r).and_then(|f| f.references.clone()) {
                Some(refs) => refs,
                None => {
                    let criteria = self
                        .unique_criterias(r.model_b)
                        .iter()
                        .find(|c| self.is_strict(r.model_b, c))
                        .cloned()
                        .unwrap_or_default();
                    let b = &self.models[r.model_b];
                    criteria
                        .iter()
                        .map(|&i| b.fields[i].name.name.clone())
                        .collect()
                }
            };
            format!("references: [{}]", names.join(", "))
        }

        // ---- insertions ----

        /// Just before the model's closing brace, on a line of its own.
        fn model_end_insertion(&self, model: usize, content: String) -> Option<Insertion> {
            let m = &self.models[model];
            let pos = m.model.span.end.checked_sub(1)?;
            if m.src.as_bytes().get(pos) != Some(&b'}') {
                return None;
            }
            let before = m.src.get(..pos)?.trim_end_matches([' ', '\t']);
            let text = if before.ends_with(['\n', '\r']) {
                content
            } else {
                format!("\n{content}")
            };
            Some(Insertion {
                file: m.file,
                pos,
                text,
                new_line: true,
            })
        }

        fn missing_relation_fields(&self, r: &Relation, bits: &mut Vec<Insertion>) {
            let a = &self.models[r.model_a];
            let b = &self.models[r.model_b];
            if r.back.is_none() {
                let list = r.shape != Shape::OneToOne;
                let name = if list {
                    pluralize(&camel_case(a.name()))
                } else {
                    camel_case(a.name())
                };
                let arity = if list { "[]" } else { "?" };
                let ignore = if a.is_ignored { "@ignore" } else { "" };
                // Prisma leaves the relation name out, which leaves the relation incomplete.
                let named = self.new_field_name(r).as_ref().map_or(String::new(), |n| {
                    format!("@relation({}) ", super::quote(n))
                });
                let content = format!("{name} {}{arity} {named}{ignore}\n", a.name());
                bits.extend(self.model_end_insertion(r.model_b, content));
            }
            if r.forward.is_none() {
                let optional = self
                    .infer_scalars(r)
                    .iter()
                    .any(|f| f.arity == Arity::Optional);
                let arity = if optional { "?" } else { "" };
                let named = self
                    .new_field_name(r)
                    .as_ref()
                    .map_or(String::new(), |n| format!("{}, ", super::quote(n)));
                let content = format!(
                    "{} {}{arity} @relation({named}{}, {})\n",
                    camel_case(b.name()),
                    b.name(),
                    self.fields_argument(r),
                    self.references_argument(r)
                );
                bits.extend(self.model_end_insertion(r.model_a, content));
            }
        }

        fn missing_scalar_fields(&self, r: &Relation, bits: &mut Vec<Insertion>) {
            if self.forward(r).is_some_and(|f| f.fields.is_some()) {
                return;
            }
            let a = &self.models[r.model_a];
            for inferred in self.infer_scalars(r) {
                let exists = a.scalar_field_exists(self, &inferred.name);
                if exists {
                    continue;
                }
                let Some(ty) = builtin_type(inferred.blueprint) else {
                    return;
                };
                let arity = match inferred.arity {
                    Arity::Required => "",
                    Arity::Optional => "?",
                    Arity::List => "[]",
                };
                let native = native_type_text(inferred.blueprint, inferred.blueprint_src);
                let content = format!("{} {ty}{arity} {native}\n", inferred.name);
                bits.extend(self.model_end_insertion(r.model_a, content));
            }
        }

        /// `@relation(fields: .., references: ..)` on a forward field that has no `@relation`.
        fn missing_relation_attribute(&self, r: &Relation, bits: &mut Vec<Insertion>) {
            let Some(fwd) = self.forward(r) else { return };
            if fwd.attr.is_some() {
                return;
            }
            let extra = vec![self.fields_argument(r), self.references_argument(r)];
            let name = self.generated_name(r);
            bits.extend(self.relation_additions(fwd, name.as_deref(), &extra));
        }

        /// Missing `fields`/`references` arguments of an existing `@relation`, and the name of
        /// a completed self-relation on the existing side.
        fn missing_relation_arguments(&self, r: &Relation, bits: &mut Vec<Insertion>) {
            let name = self.generated_name(r);
            let Some(fwd) = self.forward(r) else {
                if let Some(back) = r.back.map(|i| &self.rel_fields[i]) {
                    bits.extend(self.relation_additions(back, name.as_deref(), &[]));
                }
                return;
            };
            if fwd.attr.is_none() {
                return;
            }
            let mut extra = Vec::new();
            if fwd.fields.is_none() {
                extra.push(self.fields_argument(r));
            }
            if fwd.references.is_none() {
                extra.push(self.references_argument(r));
            }
            bits.extend(self.relation_additions(fwd, name.as_deref(), &extra));
        }

        /// Insertions that give an existing relation field a relation name (first) and more
        /// arguments (last), creating `@relation(...)` when needed.
        fn relation_additions(
            &self,
            rf: &RelField<'a>,
            name: Option<&str>,
            extra: &[String],
        ) -> Vec<Insertion> {
            if name.is_none() && extra.is_empty() {
                return Vec::new();
            }
            let m = &self.models[rf.model];
            let at = |pos: usize, text: String| Insertion {
                file: m.file,
                pos,
                text,
                new_line: false,
            };
            let all: Vec<String> = name
                .map(super::quote)
                .into_iter()
                .chain(extra.iter().cloned())
                .collect();
            let Some(attr) = rf.attr else {
                let Some(t) = &m.fields[rf.field].field_type else {
                    return Vec::new();
                };
                return vec![at(t.span.end, format!(" @relation({})", all.join(", ")))];
            };
            if !attr.has_parens {
                return vec![at(attr.span.end, format!("({})", all.join(", ")))];
            }
            let text = m.src.get(attr.span.start..attr.span.end).unwrap_or("");
            let (Some(open), true) = (text.find('('), text.ends_with(')')) else {
                return Vec::new();
            };
            let close = attr.span.end - 1;
            if attr.arguments.is_empty() {
                return vec![at(close, all.join(", "))];
            }
            let mut out = Vec::new();
            if let Some(n) = name {
                out.push(at(
                    attr.span.start + open + 1,
                    format!("{}, ", super::quote(n)),
                ));
            }
            if !extra.is_empty() {
                let sep = if attr.trailing_comma { " " } else { ", " };
                out.push(at(close, format!("{sep}{}", extra.join(", "))));
            }
            out
        }

        /// The name for fields added to a relation: its explicit name, or a generated one for
        /// an unnamed self-relation (Prisma adds none, leaving an ambiguous self-relation).
        fn new_field_name(&self, r: &Relation) -> Option<String> {
            r.name.clone().or_else(|| self.generated_name(r))
        }

        /// `ModelToModel` for an unnamed self-relation that lacks a side, unless taken.
        fn generated_name(&self, r: &Relation) -> Option<String> {
            let complete = r.forward.is_some() && r.back.is_some();
            if r.model_a != r.model_b || r.name.is_some() || complete {
                return None;
            }
            let model = self.models[r.model_a].name();
            let name = format!("{model}To{model}");
            let taken = self
                .rel_fields
                .iter()
                .any(|f| f.model == r.model_a && f.name.as_deref() == Some(name.as_str()));
            (!taken).then_some(name)
        }
    }

    // ---- helpers ----

    fn builtin_type(f: &Field) -> Option<&str> {
        match &f.field_type.as_ref()?.name {
            TypeName::Named(id) if SCALARS.contains(&id.name.as_str()) => Some(&id.name),
            _ => None,
        }
    }

    /// The first `@ds.Type(...)` attribute of a field, as written.
    fn native_type_text<'s>(f: &Field, src: &'s str) -> &'s str {
        f.attributes
            .iter()
            .find(|a| a.name.name.contains('.'))
            .and_then(|a| src.get(a.span.start..a.span.end))
            .unwrap_or("")
    }

    /// `@relation("name")` or `@relation(name: "name")`.
    fn relation_name(a: &Attribute) -> Option<String> {
        let arg = a.positional().next().or_else(|| a.named("name"))?;
        arg.value.as_ref()?.as_str().map(str::to_string)
    }

    /// The field names of `@@id`, `@@unique` or `@@index`: first positional or `fields:`.
    fn index_fields(a: &Attribute) -> Option<Vec<String>> {
        let arg = a.positional().next().or_else(|| a.named("fields"))?;
        constant_list(arg.value.as_ref()?)
    }

    /// `[a, b(sort: Desc)]` or `a` as names.
    fn constant_list(e: &Expr) -> Option<Vec<String>> {
        let items = match e {
            Expr::Array(items, _) => items.iter().collect(),
            other => vec![other],
        };
        items
            .into_iter()
            .map(|i| match i {
                Expr::Constant(c, _) => Some(c.clone()),
                Expr::Function(name, _, _) => Some(name.name.clone()),
                _ => None,
            })
            .collect()
    }
}

// ---- inflection -------------------------------------------------------------------------------

/// Names for inferred fields, as Prisma derives them (its `cruet` inflector).
mod inflect {
    /// First character lowercased (`BlogPost` → `blogPost`).
    pub(super) fn lower_first(s: &str) -> String {
        let mut chars = s.chars();
        match chars.next() {
            Some(c) => c.to_lowercase().chain(chars).collect(),
            None => String::new(),
        }
    }

    /// First character uppercased (`id` → `Id`).
    pub(super) fn upper_first(s: &str) -> String {
        let mut chars = s.chars();
        match chars.next() {
            Some(c) => c.to_uppercase().chain(chars).collect(),
            None => String::new(),
        }
    }

    /// camelCase the way the inflector does it: separators start words, an uppercase letter
    /// after a lowercase one starts a word, runs of capitals are lowercased
    /// (`UserProfile` → `userProfile`, `HTTPRequest` → `httprequest`, `my_user` → `myUser`).
    pub(super) fn camel_case(s: &str) -> String {
        let trimmed = s.trim_end_matches(|c: char| !c.is_alphanumeric());
        let mut out = String::with_capacity(trimmed.len());
        let mut new_word = false;
        let mut last = ' ';
        let mut started = false;
        for c in trimmed.chars() {
            if !c.is_alphanumeric() {
                new_word |= started;
                continue;
            }
            started = true;
            if c.is_numeric() {
                new_word = true;
                out.push(c);
            } else if new_word || (last.is_lowercase() && c.is_uppercase()) {
                new_word = false;
                out.push(c.to_ascii_uppercase());
            } else {
                last = c;
                out.push(c.to_ascii_lowercase());
            }
        }
        out
    }

    /// English plural of a camelCase name, with the inflector's rules.
    pub(super) fn pluralize(word: &str) -> String {
        if UNCOUNTABLE.contains(&word) {
            return word.to_string();
        }
        if let Some((_, plural)) = IRREGULAR.iter().find(|(s, _)| *s == word) {
            return plural.to_string();
        }
        RULES
            .iter()
            .rev()
            .find_map(|rule| rule(word))
            .unwrap_or_else(|| format!("{word}s"))
    }

    const IRREGULAR: [(&str, &str); 10] = [
        ("ox", "oxen"),
        ("man", "men"),
        ("woman", "women"),
        ("die", "dice"),
        ("yes", "yeses"),
        ("foot", "feet"),
        ("eave", "eaves"),
        ("goose", "geese"),
        ("tooth", "teeth"),
        ("quiz", "quizzes"),
    ];

    type Rule = fn(&str) -> Option<String>;

    /// The inflector's suffix rules; like it, the last matching rule wins.
    const RULES: [Rule; 24] = [
        |w| w.ends_with('s').then(|| w.to_string()),
        |w| ends_after(w, "ese", |c| !"aeiou".contains(c)).then(|| w.to_string()),
        |w| stem_of(w, &["ax", "test"], &["is"]).map(|s| format!("{s}es")),
        |w| {
            let hit = ["alias", "tlas", "gas", "ris"]
                .iter()
                .any(|s| w.ends_with(s))
                || ends_after(w, "us", |c| !"aou".contains(c));
            hit.then(|| format!("{w}es"))
        },
        |w| {
            let base = w.strip_suffix('s').filter(|b| emu(b)).unwrap_or(w);
            emu(base).then(|| format!("{base}s"))
        },
        |w| {
            let hit = ends_after(w, "ias", |c| c != 'l')
                || ends_after(w, "las", |c| "aeiou".contains(c))
                || ends_after(w, "as", |c| "emjzr".contains(c))
                || ends_after(w, "am", |c| "iu".contains(c));
            hit.then(|| w.to_string())
        },
        |w| stem_of(w, &LATIN_I, &["us", "i"]).map(|s| format!("{s}i")),
        |w| stem_of(w, &["alumn", "alg", "vertebr"], &["a", "ae"]).map(|s| format!("{s}ae")),
        |w| stem_of(w, &["seraph", "cherub"], &["im", ""]).map(|s| format!("{s}im")),
        |w| stem_of(w, &["her", "at", "gr"], &["o"]).map(|s| format!("{s}oes")),
        |w| stem_of(w, &LATIN_UM, &["a", "um"]).map(|s| format!("{s}a")),
        |w| stem_of(w, &GREEK_ON, &["a", "on"]).map(|s| format!("{s}a")),
        |w| w.strip_suffix("sis").map(|s| format!("{s}ses")),
        |w| stem_of(w, &["kni", "wi", "li"], &["fe"]).map(|s| format!("{s}ves")),
        |w| stem_of(w, &["ar", "l", "ea", "eo", "oa", "hoo"], &["f"]).map(|s| format!("{s}ves")),
        |w| {
            let stem = w.strip_suffix('y')?;
            let hit = stem.ends_with("qu") || ends_after(stem, "", |c| !"aeiouy".contains(c));
            hit.then(|| format!("{stem}ies"))
        },
        |w| {
            let stem = w.strip_suffix("ey")?;
            let tail: Vec<char> = stem.chars().rev().take(3).collect();
            let hit = tail.len() == 3
                && "ln".contains(tail[0])
                && "ieo".contains(tail[1])
                && !"ch".contains(tail[2]);
            hit.then(|| format!("{stem}ies"))
        },
        |w| {
            let stem = w.strip_suffix("es")?;
            SIBILANTS
                .iter()
                .any(|s| stem.ends_with(s))
                .then(|| w.to_string())
        },
        |w| {
            SIBILANTS
                .iter()
                .any(|s| w.ends_with(s))
                .then(|| format!("{w}es"))
        },
        |w| {
            let stems = ["matr", "cod", "mur", "sil", "vert", "ind", "append"];
            stem_of(w, &stems, &["ix", "ex"]).map(|s| format!("{s}ices"))
        },
        |w| stem_of(w, &["m", "l"], &["ice", "ouse"]).map(|s| format!("{s}ice")),
        |w| stem_of(w, &["pe"], &["rson", "ople"]).map(|s| format!("{s}ople")),
        |w| stem_of(w, &["child"], &["ren", ""]).map(|s| format!("{s}ren")),
        |w| w.ends_with("eaux").then(|| w.to_string()),
    ];

    const SIBILANTS: [&str; 5] = ["x", "ch", "ss", "sh", "zz"];

    #[rustfmt::skip]
    const LATIN_I: [&str; 15] = [
        "alumn", "syllab", "octop", "vir", "radi", "nucle", "fung", "cact", "stimul", "termin",
        "bacill", "foc", "uter", "loc", "strat",
    ];

    #[rustfmt::skip]
    const LATIN_UM: [&str; 15] = [
        "agend", "addend", "millenni", "dat", "extrem", "bacteri", "desiderat", "strat",
        "candelabr", "errat", "ov", "symposi", "curricul", "automat", "quor",
    ];

    #[rustfmt::skip]
    const GREEK_ON: [&str; 11] = [
        "apheli", "hyperbat", "periheli", "asyndet", "noumen", "phenomen", "criteri", "organ",
        "prolegomen", "hedr", "automat",
    ];

    /// `emu`/`enu` at the end.
    fn emu(w: &str) -> bool {
        w.ends_with("emu") || w.ends_with("enu")
    }

    /// The word up to and including one of `stems`, when followed by one of `endings`.
    fn stem_of<'w>(w: &'w str, stems: &[&str], endings: &[&str]) -> Option<&'w str> {
        endings.iter().find_map(|e| {
            let stem = w.strip_suffix(e)?;
            stems
                .iter()
                .any(|s| !s.is_empty() && stem.ends_with(s))
                .then_some(stem)
        })
    }

    /// Ends with `suffix`, preceded by a character satisfying `pred`.
    fn ends_after(w: &str, suffix: &str, pred: impl Fn(char) -> bool) -> bool {
        w.strip_suffix(suffix)
            .and_then(|s| s.chars().last())
            .is_some_and(pred)
    }

    #[rustfmt::skip]
    const UNCOUNTABLE: [&str; 202] = [
        "accommodation", "adulthood", "advertising", "advice", "aggression", "aid", "air",
        "aircraft", "alcohol", "anger", "applause", "arithmetic", "assistance", "athletics",
        "bacon", "baggage", "beef", "biology", "blood", "botany", "bread", "butter", "carbon",
        "cardboard", "cash", "chalk", "chaos", "chess", "crossroads", "countryside", "dancing",
        "deer", "dignity", "dirt", "dust", "economics", "education", "electricity", "engineering",
        "enjoyment", "envy", "equipment", "ethics", "evidence", "evolution", "fame", "fiction",
        "flour", "flu", "food", "fuel", "fun", "furniture", "gallows", "garbage", "garlic",
        "genetics", "gold", "golf", "gossip", "grammar", "gratitude", "grief", "guilt",
        "gymnastics", "happiness", "hardware", "harm", "hate", "hatred", "health", "heat", "help",
        "homework", "honesty", "honey", "hospitality", "housework", "humour", "hunger",
        "hydrogen", "ice", "importance", "inflation", "information", "innocence", "iron", "irony",
        "jam", "jewelry", "judo", "karate", "knowledge", "lack", "laughter", "lava", "leather",
        "leisure", "lightning", "linguine", "linguini", "linguistics", "literature", "litter",
        "livestock", "logic", "loneliness", "luck", "luggage", "macaroni", "machinery", "magic",
        "management", "mankind", "marble", "mathematics", "mayonnaise", "measles", "methane",
        "milk", "money", "mud", "music", "mumps", "nature", "news", "nitrogen", "nonsense",
        "nurture", "nutrition", "obedience", "obesity", "oxygen", "pasta", "patience", "physics",
        "poetry", "pollution", "poverty", "pride", "psychology", "publicity", "punctuation",
        "quartz", "racism", "relaxation", "reliability", "research", "respect", "revenge", "rice",
        "rubbish", "rum", "safety", "scenery", "seafood", "seaside", "series", "shame", "sheep",
        "shopping", "sleep", "smoke", "smoking", "snow", "soap", "software", "soil", "spaghetti",
        "species", "steam", "stuff", "stupidity", "sunshine", "symmetry", "tennis", "thirst",
        "thunder", "timber", "traffic", "transportation", "trust", "underwear", "unemployment",
        "unity", "validity", "veal", "vegetation", "vegetarianism", "vengeance", "violence",
        "vitality", "warmth", "wealth", "weather", "welfare", "wheat", "wildlife", "wisdom",
        "yoga", "zinc", "zoology",
    ];
}
