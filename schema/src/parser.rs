//! From text to [`ast`](crate::ast), with the `pest` grammar in `grammar.pest`.
//!
//! Owns: syntax errors. The grammar has a catch-all alternative at every level, so parsing
//! always yields a tree; lines that did not parse become diagnostics and are skipped.

use crate::ast::*;
use crate::diagnostics::Diagnostics;
use crate::source::{FileId, Span};
use pest::iterators::Pair;
use pest::Parser as _;

mod grammar {
    #![allow(missing_docs, unreachable_pub)]
    #[derive(pest_derive::Parser)]
    #[grammar = "grammar.pest"]
    pub(super) struct PslParser;
}
use grammar::{PslParser, Rule};

type P<'a> = Pair<'a, Rule>;

/// How deeply brackets (`(` and `[`) may nest. The grammar, the tree and every walk over
/// expressions recurse once per level, so unbounded nesting would overflow the stack; real
/// schemas stay within a handful of levels.
pub const MAX_NESTING: usize = 64;

/// Parses one file. Syntax errors go to `diags`; the tree holds everything that parsed.
///
/// A file that nests brackets deeper than [`MAX_NESTING`] is not parsed at all: it yields one
/// diagnostic and an empty tree. Parsing it would recurse once per level, which is what the
/// limit prevents, and the rest of the file cannot be told apart from the deep expression
/// without parsing.
pub fn parse(text: &str, file: FileId, diags: &mut Diagnostics) -> SchemaAst {
    if let Some(pos) = too_deep(text) {
        diags.push(too_deep_error(Span::new(file, pos, pos + 1)));
        return SchemaAst::default();
    }
    let mut cx = Cx {
        file,
        diags,
        src: text,
        depth: 0,
    };
    match PslParser::parse(Rule::schema, text) {
        Ok(mut pairs) => match pairs.next() {
            Some(schema) => cx.schema(schema),
            None => SchemaAst::default(),
        },
        Err(err) => {
            // The grammar accepts any input line by line, so only pest's own stack guard (nesting
            // that `too_deep` could not see) or a bug in the grammar leads here.
            let pos = match err.location {
                pest::error::InputLocation::Pos(p) => p,
                pest::error::InputLocation::Span((s, _)) => s,
            };
            cx.diags.error(
                format!("Could not parse the schema: {}", err.variant.message()),
                Span::new(file, pos, pos),
            );
            SchemaAst::default()
        }
    }
}

fn too_deep_error(span: Span) -> crate::diagnostics::Diagnostic {
    crate::diagnostics::Diagnostic::error(
        format!("Brackets are nested more than {MAX_NESTING} levels deep here."),
        span,
    )
    .with_help("flatten this expression")
}

struct Cx<'d, 's> {
    file: FileId,
    diags: &'d mut Diagnostics,
    src: &'s str,
    /// Brackets open around the expression being built; bounded by `MAX_NESTING` even where
    /// `too_deep` was misled (a comment the grammar does not read as one), so that the tree
    /// stays shallow enough for every recursive walk over it.
    depth: usize,
}

impl Cx<'_, '_> {
    fn span(&self, p: &P<'_>) -> Span {
        let s = p.as_span();
        Span::new(self.file, s.start(), s.end())
    }

    fn ident(&self, p: P<'_>) -> Ident {
        Ident {
            name: p.as_str().to_string(),
            span: self.span(&p),
        }
    }

    fn comment(&self, p: P<'_>) -> Comment {
        let kind = match p.as_rule() {
            Rule::doc_comment => CommentKind::Doc,
            Rule::block_comment => CommentKind::Block,
            _ => CommentKind::Line,
        };
        Comment {
            kind,
            text: p.as_str().trim_end().to_string(),
            span: self.span(&p),
        }
    }

    fn trailing_comment(&self, p: P<'_>) -> Option<Comment> {
        p.into_inner().next().map(|c| self.comment(c))
    }

    fn schema(&mut self, schema: P<'_>) -> SchemaAst {
        let mut tops = Vec::new();
        let mut docs: Vec<Comment> = Vec::new();
        let mut last_end = 0usize;
        for p in schema.into_inner() {
            // Doc comments attach to the block that follows on the very next line.
            let start = p.as_span().start();
            if !docs.is_empty() && blank_line_between(self.src, last_end, start) {
                tops.extend(docs.drain(..).map(Top::Comment));
            }
            last_end = p.as_span().end();
            match p.as_rule() {
                Rule::doc_comment => docs.push(self.comment(p)),
                Rule::comment | Rule::block_comment => {
                    tops.extend(docs.drain(..).map(Top::Comment));
                    tops.push(Top::Comment(self.comment(p)));
                }
                Rule::model_declaration => {
                    let documentation = doc_lines(&mut docs);
                    tops.push(Top::Model(self.model(p, documentation)));
                }
                Rule::enum_declaration => {
                    let documentation = doc_lines(&mut docs);
                    tops.push(Top::Enum(self.enum_decl(p, documentation)));
                }
                Rule::config_block => {
                    let documentation = doc_lines(&mut docs);
                    tops.push(Top::Config(self.config(p, documentation)));
                }
                Rule::type_alias => {
                    tops.extend(docs.drain(..).map(Top::Comment));
                    tops.push(Top::TypeAlias(self.type_alias(p)));
                }
                Rule::arbitrary_block => {
                    tops.extend(docs.drain(..).map(Top::Comment));
                    let span = self.span(&p);
                    let first_line = p.as_str().lines().next().unwrap_or("").trim_end();
                    let head = Span::new(self.file, span.start, span.start + first_line.len());
                    self.diags.error(
                        "This block is invalid. It does not start with any known Prisma schema keyword. Valid keywords include 'model', 'enum', 'type', 'datasource' and 'generator'.",
                        head,
                    );
                }
                Rule::top_error => {
                    tops.extend(docs.drain(..).map(Top::Comment));
                    self.diags.push(
                        crate::diagnostics::Diagnostic::error(
                            "This line is invalid. It does not start with any known Prisma schema keyword.",
                            self.span(&p),
                        )
                        .with_help("top-level blocks start with `model`, `enum`, `view`, `type`, `datasource` or `generator`"),
                    );
                }
                _ => {}
            }
        }
        tops.extend(docs.drain(..).map(Top::Comment));
        SchemaAst { tops }
    }

    /// Walks the inner items of a block, attaching doc comments and reporting bad lines.
    fn block_items(
        &mut self,
        pairs: Vec<P<'_>>,
        offset: usize,
        error_message: &str,
    ) -> (Vec<BlockItem>, Option<Comment>) {
        let mut items = Vec::new();
        let mut docs: Vec<Comment> = Vec::new();
        let mut open_comment = None;
        let mut last_end = offset;
        let mut first = true;
        for p in pairs {
            let start = p.as_span().start();
            // A comment on the same line as `{` belongs to the opening line.
            if first && !self.src[offset..start].contains('\n') {
                first = false;
                if matches!(
                    p.as_rule(),
                    Rule::comment | Rule::doc_comment | Rule::block_comment
                ) {
                    open_comment = Some(self.comment(p));
                    last_end = start;
                    continue;
                }
            }
            first = false;
            if !docs.is_empty() && blank_line_between(self.src, last_end, start) {
                items.extend(docs.drain(..).map(BlockItem::Comment));
            }
            last_end = p.as_span().end();
            match p.as_rule() {
                Rule::doc_comment => docs.push(self.comment(p)),
                Rule::comment | Rule::block_comment => {
                    items.extend(docs.drain(..).map(BlockItem::Comment));
                    items.push(BlockItem::Comment(self.comment(p)));
                }
                Rule::field_declaration => {
                    let d = doc_lines(&mut docs);
                    items.push(BlockItem::Field(self.field(p, d)));
                }
                Rule::enum_value => {
                    let d = doc_lines(&mut docs);
                    items.push(BlockItem::EnumValue(self.enum_value(p, d)));
                }
                Rule::key_value => {
                    items.extend(docs.drain(..).map(BlockItem::Comment));
                    items.push(BlockItem::KeyValue(self.key_value(p)));
                }
                Rule::block_attribute_line => {
                    items.extend(docs.drain(..).map(BlockItem::Comment));
                    let mut inner = p.into_inner();
                    let attr = inner.next().map(|a| self.attribute(a));
                    let comment = inner.next().and_then(|c| self.trailing_comment(c));
                    if let Some(attr) = attr {
                        items.push(BlockItem::Attribute(attr, comment));
                    }
                }
                Rule::block_error => {
                    items.extend(docs.drain(..).map(BlockItem::Comment));
                    let span = self.span(&p);
                    let trimmed = p.as_str().trim_end();
                    let span = Span::new(self.file, span.start, span.start + trimmed.len());
                    self.diags.error(error_message, span);
                    items.push(BlockItem::Error(span));
                }
                _ => {}
            }
        }
        items.extend(docs.drain(..).map(BlockItem::Comment));
        (items, open_comment)
    }

    fn model(&mut self, p: P<'_>, documentation: Vec<String>) -> Model {
        let span = self.span(&p);
        let mut inner = p.into_inner();
        let kind = match inner.next().map(|k| k.as_str().to_string()).as_deref() {
            Some("view") => ModelKind::View,
            Some("type") => ModelKind::CompositeType,
            _ => ModelKind::Model,
        };
        let name = self.ident(inner.next().expect("grammar: model name"));
        let open = inner.next().expect("grammar: block open");
        let offset = open.as_span().end();
        let body: Vec<P<'_>> = inner.filter(|p| p.as_rule() != Rule::block_close).collect();
        let (items, open_comment) = self.block_items(
            body,
            offset,
            "This line is not a valid field or attribute definition.",
        );
        Model {
            kind,
            name,
            documentation,
            items,
            span,
            open_comment,
        }
    }

    fn enum_decl(&mut self, p: P<'_>, documentation: Vec<String>) -> Enum {
        let span = self.span(&p);
        let mut inner = p.into_inner();
        inner.next();
        let name = self.ident(inner.next().expect("grammar: enum name"));
        let open = inner.next().expect("grammar: block open");
        let offset = open.as_span().end();
        let body: Vec<P<'_>> = inner.filter(|p| p.as_rule() != Rule::block_close).collect();
        let (items, open_comment) =
            self.block_items(body, offset, "This line is not an enum value definition.");
        Enum {
            name,
            documentation,
            items,
            span,
            open_comment,
        }
    }

    fn config(&mut self, p: P<'_>, documentation: Vec<String>) -> ConfigBlock {
        let span = self.span(&p);
        let mut inner = p.into_inner();
        let kind = match inner.next().map(|k| k.as_str().to_string()).as_deref() {
            Some("generator") => ConfigKind::Generator,
            _ => ConfigKind::Datasource,
        };
        let name = self.ident(inner.next().expect("grammar: block name"));
        let open = inner.next().expect("grammar: block open");
        let offset = open.as_span().end();
        let body: Vec<P<'_>> = inner.filter(|p| p.as_rule() != Rule::block_close).collect();
        let message = match kind {
            ConfigKind::Generator => "This line is not a valid definition within a generator.",
            ConfigKind::Datasource => "This line is not a valid definition within a datasource.",
        };
        let (items, open_comment) = self.block_items(body, offset, message);
        ConfigBlock {
            kind,
            name,
            documentation,
            items,
            span,
            open_comment,
        }
    }

    fn type_alias(&mut self, p: P<'_>) -> TypeAlias {
        let span = self.span(&p);
        let mut inner = p.into_inner();
        inner.next();
        let name = self.ident(inner.next().expect("grammar: alias name"));
        let mut field_type = None;
        let mut attributes = Vec::new();
        let mut trailing_comment = None;
        for p in inner {
            match p.as_rule() {
                Rule::field_type => field_type = Some(self.field_type(p)),
                Rule::field_attribute => attributes.push(self.attribute(p)),
                Rule::trailing_comment => trailing_comment = self.trailing_comment(p),
                _ => {}
            }
        }
        TypeAlias {
            name,
            field_type: field_type.expect("grammar: alias type"),
            attributes,
            trailing_comment,
            span,
        }
    }

    fn field(&mut self, p: P<'_>, documentation: Vec<String>) -> Field {
        let span = self.span(&p);
        let mut inner = p.into_inner();
        let name = self.ident(inner.next().expect("grammar: field name"));
        let mut field_type = None;
        let mut attributes = Vec::new();
        let mut trailing_comment = None;
        let mut end = name.span.end;
        for p in inner {
            match p.as_rule() {
                Rule::legacy_colon => {
                    self.diags
                        .error("Field declarations don't require a `:`.", self.span(&p));
                }
                Rule::field_type => {
                    end = p.as_span().end();
                    field_type = Some(self.field_type(p));
                }
                Rule::field_attribute => {
                    end = p.as_span().end();
                    attributes.push(self.attribute(p));
                }
                Rule::trailing_comment => trailing_comment = self.trailing_comment(p),
                _ => {}
            }
        }
        let span = Span::new(self.file, span.start, end);
        if field_type.is_none() {
            self.diags.push(
                crate::diagnostics::Diagnostic::error(
                    "This field declaration is invalid. It is either missing a name or a type.",
                    span,
                )
                .with_help(format!(
                    "a field is written `{} Type`, e.g. `{} String`",
                    name.name, name.name
                )),
            );
        }
        Field {
            name,
            field_type,
            attributes,
            documentation,
            trailing_comment,
            span,
        }
    }

    fn field_type(&mut self, p: P<'_>) -> FieldType {
        let span = self.span(&p);
        let Some(t) = p.into_inner().next() else {
            return FieldType {
                name: TypeName::Named(Ident {
                    name: String::new(),
                    span,
                }),
                arity: Arity::Required,
                spelling: TypeSpelling::Normal,
                span,
            };
        };
        let (arity, spelling) = match t.as_rule() {
            Rule::optional_list_type => {
                self.diags.error(
                    "Optional lists are not supported. Use either `Type[]` or `Type?`.",
                    span,
                );
                (Arity::List, TypeSpelling::OptionalList)
            }
            Rule::list_type => (Arity::List, TypeSpelling::Normal),
            Rule::optional_type => (Arity::Optional, TypeSpelling::Normal),
            Rule::legacy_required_type => {
                self.diags.error(
                    "Fields are required by default, `!` is no longer required.",
                    span,
                );
                (Arity::Required, TypeSpelling::LegacyRequired)
            }
            Rule::legacy_list_type => {
                self.diags.error(
                    "To specify a list, please use `Type[]` instead of `[Type]`.",
                    span,
                );
                (Arity::List, TypeSpelling::LegacyList)
            }
            _ => (Arity::Required, TypeSpelling::Normal),
        };
        let base = if t.as_rule() == Rule::base_type {
            t
        } else {
            t.into_inner().next().expect("grammar: base type")
        };
        let inner = base.into_inner().next().expect("grammar: type name");
        let name = match inner.as_rule() {
            Rule::unsupported_type => {
                let s = inner
                    .into_inner()
                    .next()
                    .expect("grammar: unsupported string");
                let sp = self.span(&s);
                TypeName::Unsupported(self.string_value(s), sp)
            }
            _ => TypeName::Named(self.ident(inner)),
        };
        FieldType {
            name,
            arity,
            spelling,
            span,
        }
    }

    fn attribute(&mut self, p: P<'_>) -> Attribute {
        let span = self.span(&p);
        let mut inner = p.into_inner();
        let name = self.ident(inner.next().expect("grammar: attribute name"));
        let (arguments, has_parens, trailing_comma) = match inner.next() {
            Some(args) => {
                let (a, tc) = self.arguments(args);
                (a, true, tc)
            }
            None => (Vec::new(), false, false),
        };
        Attribute {
            name,
            arguments,
            has_parens,
            trailing_comma,
            span,
        }
    }

    fn arguments(&mut self, p: P<'_>) -> (Vec<Argument>, bool) {
        self.depth += 1;
        let arguments = self.arguments_inside(p);
        self.depth -= 1;
        arguments
    }

    fn arguments_inside(&mut self, p: P<'_>) -> (Vec<Argument>, bool) {
        let mut out = Vec::new();
        let mut trailing_comma = false;
        for a in p.into_inner() {
            match a.as_rule() {
                Rule::trailing_comma => trailing_comma = true,
                Rule::argument => {
                    let span = self.span(&a);
                    let Some(inner) = a.into_inner().next() else {
                        continue;
                    };
                    let arg = match inner.as_rule() {
                        Rule::named_argument => {
                            let mut it = inner.into_inner();
                            let name = self.ident(it.next().expect("grammar: argument name"));
                            let value = it.next().map(|e| self.expr(e));
                            Argument {
                                name: Some(name),
                                value,
                                span,
                            }
                        }
                        Rule::empty_argument => {
                            let name =
                                self.ident(inner.into_inner().next().expect("grammar: name"));
                            Argument {
                                name: Some(name),
                                value: None,
                                span,
                            }
                        }
                        _ => Argument {
                            name: None,
                            value: Some(self.expr(inner)),
                            span,
                        },
                    };
                    out.push(arg);
                }
                _ => {}
            }
        }
        (out, trailing_comma)
    }

    fn expr(&mut self, p: P<'_>) -> Expr {
        let p = if p.as_rule() == Rule::expression {
            p.into_inner().next().expect("grammar: expression")
        } else {
            p
        };
        let span = self.span(&p);
        let opens_level = matches!(p.as_rule(), Rule::function_call | Rule::array_expression);
        if opens_level && self.depth >= MAX_NESTING {
            self.diags.push(too_deep_error(span));
            return Expr::Constant(p.as_str().to_string(), span);
        }
        match p.as_rule() {
            Rule::string_literal => Expr::String(self.string_value(p), span),
            Rule::numeric_value => Expr::Number(p.as_str().to_string(), span),
            Rule::function_call => {
                let mut inner = p.into_inner();
                let name = self.ident(inner.next().expect("grammar: function name"));
                let args = inner
                    .next()
                    .map(|a| self.arguments(a).0)
                    .unwrap_or_default();
                Expr::Function(name, args, span)
            }
            Rule::array_expression => {
                self.depth += 1;
                let items = p
                    .into_inner()
                    .filter(|p| p.as_rule() == Rule::expression)
                    .map(|e| self.expr(e))
                    .collect();
                self.depth -= 1;
                Expr::Array(items, span)
            }
            _ => Expr::Constant(p.as_str().to_string(), span),
        }
    }

    fn string_value(&mut self, p: P<'_>) -> String {
        let span = self.span(&p);
        let raw = p.into_inner().next().map(|c| c.as_str()).unwrap_or("");
        match unescape(raw) {
            Ok(s) => s,
            Err(bad) => {
                self.diags.error(
                    format!("Unknown escape sequence `\\{bad}` in string literal."),
                    span,
                );
                raw.to_string()
            }
        }
    }

    fn enum_value(&mut self, p: P<'_>, documentation: Vec<String>) -> EnumValue {
        let span = self.span(&p);
        let mut inner = p.into_inner();
        let name = self.ident(inner.next().expect("grammar: enum value"));
        let mut attributes = Vec::new();
        let mut trailing_comment = None;
        let mut end = name.span.end;
        for p in inner {
            match p.as_rule() {
                Rule::field_attribute => {
                    end = p.as_span().end();
                    attributes.push(self.attribute(p));
                }
                Rule::trailing_comment => trailing_comment = self.trailing_comment(p),
                _ => {}
            }
        }
        EnumValue {
            name,
            attributes,
            documentation,
            trailing_comment,
            span: Span::new(self.file, span.start, end),
        }
    }

    fn key_value(&mut self, p: P<'_>) -> KeyValue {
        let span = self.span(&p);
        let mut inner = p.into_inner();
        let key = self.ident(inner.next().expect("grammar: key"));
        let mut value = None;
        let mut trailing_comment = None;
        let mut end = span.end;
        for p in inner {
            match p.as_rule() {
                Rule::expression => {
                    end = p.as_span().end();
                    value = Some(self.expr(p));
                }
                Rule::trailing_comment => trailing_comment = self.trailing_comment(p),
                _ => {}
            }
        }
        if trailing_comment.is_some() && value.is_none() {
            end = key.span.end;
        }
        KeyValue {
            key,
            value,
            trailing_comment,
            span: Span::new(self.file, span.start, end),
        }
    }
}

/// The offset of the first bracket that opens nesting level `MAX_NESTING + 1`, if any.
/// Brackets in strings and comments do not count; strings end at the end of a line, as in the
/// grammar.
fn too_deep(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'(' | b'[' => {
                depth += 1;
                if depth > MAX_NESTING {
                    return Some(i);
                }
            }
            b')' | b']' => depth = depth.saturating_sub(1),
            b'"' => {
                i += 1;
                while i < bytes.len() && !matches!(bytes[i], b'"' | b'\n' | b'\r') {
                    let escapes =
                        bytes[i] == b'\\' && !matches!(bytes.get(i + 1), Some(b'\n' | b'\r'));
                    i += if escapes { 2 } else { 1 };
                }
            }
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                while i < bytes.len() && !matches!(bytes[i], b'\n' | b'\r') {
                    i += 1;
                }
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                i = text[i + 2..]
                    .find("*/")
                    .map_or(bytes.len(), |e| i + 2 + e + 1);
            }
            _ => {}
        }
        i += 1;
    }
    None
}

fn blank_line_between(text: &str, from: usize, to: usize) -> bool {
    text.get(from..to)
        .is_some_and(|s| s.matches('\n').count() >= 2)
}

fn doc_lines(docs: &mut Vec<Comment>) -> Vec<String> {
    docs.drain(..)
        .map(|c| {
            let t = c.text.strip_prefix("///").unwrap_or(&c.text);
            t.strip_prefix(' ').unwrap_or(t).to_string()
        })
        .collect()
}

/// Resolves escapes in a string literal's content. Returns the bad escape character on error.
pub fn unescape(raw: &str) -> Result<String, char> {
    if !raw.contains('\\') {
        return Ok(raw.to_string());
    }
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('"') => out.push('"'),
            Some('\\') => out.push('\\'),
            Some('/') => out.push('/'),
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some('t') => out.push('\t'),
            Some('b') => out.push('\u{8}'),
            Some('f') => out.push('\u{c}'),
            Some('u') => {
                let hex: String = chars.by_ref().take(4).collect();
                match u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32) {
                    Some(ch) => out.push(ch),
                    None => return Err('u'),
                }
            }
            Some(other) => return Err(other),
            None => return Err('\\'),
        }
    }
    Ok(out)
}
