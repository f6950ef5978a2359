//! The syntax tree of a schema, exactly as written.
//!
//! Owns: the shape of the source, comments and blank lines included, so that the formatter can
//! reproduce it. Every node carries its [`Span`]. Nothing here is validated: names may be
//! unknown, attributes may be misspelt. Validation turns this into the IR.

use crate::source::Span;

/// A name as written, with its span.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ident {
    /// The text.
    pub name: String,
    /// Where.
    pub span: Span,
}

/// One parsed schema file.
#[derive(Debug, Clone, Default)]
pub struct SchemaAst {
    /// Top-level items in source order.
    pub tops: Vec<Top>,
}

impl SchemaAst {
    /// Models, views and composite types.
    pub fn models(&self) -> impl Iterator<Item = &Model> {
        self.tops.iter().filter_map(|t| match t {
            Top::Model(m) => Some(m),
            _ => None,
        })
    }

    /// Enums.
    pub fn enums(&self) -> impl Iterator<Item = &Enum> {
        self.tops.iter().filter_map(|t| match t {
            Top::Enum(e) => Some(e),
            _ => None,
        })
    }

    /// `datasource` and `generator` blocks.
    pub fn configs(&self) -> impl Iterator<Item = &ConfigBlock> {
        self.tops.iter().filter_map(|t| match t {
            Top::Config(c) => Some(c),
            _ => None,
        })
    }
}

/// A top-level item.
#[derive(Debug, Clone)]
pub enum Top {
    /// `model`, `view` or `type` block.
    Model(Model),
    /// `enum` block.
    Enum(Enum),
    /// `datasource` or `generator` block.
    Config(ConfigBlock),
    /// Legacy `type Name = Type @attrs`.
    TypeAlias(TypeAlias),
    /// A comment line or block outside any block.
    Comment(Comment),
}

/// A comment, as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comment {
    /// Which kind.
    pub kind: CommentKind,
    /// The full text including `//`, `///` or `/* */`.
    pub text: String,
    /// Where.
    pub span: Span,
}

/// The three comment syntaxes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CommentKind {
    /// `// ...`
    Line,
    /// `/// ...`, documentation carried into generated code.
    Doc,
    /// `/* ... */`
    Block,
}

/// `model`, `view` or composite `type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ModelKind {
    /// `model`
    Model,
    /// `view`
    View,
    /// `type` (composite type)
    CompositeType,
}

impl ModelKind {
    /// The keyword.
    pub fn keyword(self) -> &'static str {
        match self {
            ModelKind::Model => "model",
            ModelKind::View => "view",
            ModelKind::CompositeType => "type",
        }
    }
}

/// A `model`, `view` or `type` block.
#[derive(Debug, Clone)]
pub struct Model {
    /// Which keyword introduced it.
    pub kind: ModelKind,
    /// The block's name.
    pub name: Ident,
    /// Doc comment lines (`///`) directly above the block, without the slashes.
    pub documentation: Vec<String>,
    /// Fields, block attributes, comments, in source order.
    pub items: Vec<BlockItem>,
    /// The whole block.
    pub span: Span,
    /// Text after `{` on the opening line (a trailing comment), if any.
    pub open_comment: Option<Comment>,
}

impl Model {
    /// The fields.
    pub fn fields(&self) -> impl Iterator<Item = &Field> {
        self.items.iter().filter_map(|i| match i {
            BlockItem::Field(f) => Some(f),
            _ => None,
        })
    }

    /// The block attributes (`@@...`).
    pub fn attributes(&self) -> impl Iterator<Item = &Attribute> {
        self.items.iter().filter_map(|i| match i {
            BlockItem::Attribute(a, _) => Some(a),
            _ => None,
        })
    }
}

/// One line inside a block.
#[derive(Debug, Clone)]
pub enum BlockItem {
    /// A field of a model.
    Field(Field),
    /// A value of an enum.
    EnumValue(EnumValue),
    /// `key = value` in a datasource or generator.
    KeyValue(KeyValue),
    /// `@@attribute(...)`, with its trailing comment.
    Attribute(Attribute, Option<Comment>),
    /// A comment on a line of its own.
    Comment(Comment),
    /// A line that could not be parsed (already reported).
    Error(Span),
}

impl BlockItem {
    /// The span of the item.
    pub fn span(&self) -> Span {
        match self {
            BlockItem::Field(f) => f.span,
            BlockItem::EnumValue(v) => v.span,
            BlockItem::KeyValue(kv) => kv.span,
            BlockItem::Attribute(a, c) => c.as_ref().map_or(a.span, |c| a.span.to(c.span)),
            BlockItem::Comment(c) => c.span,
            BlockItem::Error(s) => *s,
        }
    }
}

/// A field: `name Type? @attr(...) // comment`.
#[derive(Debug, Clone)]
pub struct Field {
    /// The field name.
    pub name: Ident,
    /// The type; `None` when missing (already reported).
    pub field_type: Option<FieldType>,
    /// Field attributes in source order.
    pub attributes: Vec<Attribute>,
    /// Doc comment lines above the field.
    pub documentation: Vec<String>,
    /// Trailing comment on the same line.
    pub trailing_comment: Option<Comment>,
    /// The whole line (without trailing comment).
    pub span: Span,
}

/// The arity a type is written with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arity {
    /// `T`
    Required,
    /// `T?`
    Optional,
    /// `T[]`
    List,
}

/// A field type as written.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldType {
    /// The type name, or the `Unsupported("...")` payload.
    pub name: TypeName,
    /// `?`, `[]` or neither.
    pub arity: Arity,
    /// Legacy or invalid spellings, already reported by the parser where fatal.
    pub spelling: TypeSpelling,
    /// Where.
    pub span: Span,
}

/// The name part of a field type.
#[derive(Debug, Clone, PartialEq)]
pub enum TypeName {
    /// A scalar, enum, model or composite type name.
    Named(Ident),
    /// `Unsupported("...")`.
    Unsupported(String, Span),
}

/// How a type was spelt, for diagnostics about legacy syntax.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TypeSpelling {
    /// Current syntax.
    Normal,
    /// `Type[]?`.
    OptionalList,
    /// `Type!`.
    LegacyRequired,
    /// `[Type]`.
    LegacyList,
}

/// `@name(args)` or `@@name(args)`.
#[derive(Debug, Clone, PartialEq)]
pub struct Attribute {
    /// The name without `@`/`@@`, possibly dotted (`db.VarChar`).
    pub name: Ident,
    /// Arguments; empty when there were no parentheses.
    pub arguments: Vec<Argument>,
    /// Whether `()` was written.
    pub has_parens: bool,
    /// Whether a trailing comma was written in the argument list.
    pub trailing_comma: bool,
    /// Where, including the `@`.
    pub span: Span,
}

impl Attribute {
    /// The unnamed arguments, in order.
    pub fn positional(&self) -> impl Iterator<Item = &Argument> {
        self.arguments.iter().filter(|a| a.name.is_none())
    }

    /// The argument named `name`.
    pub fn named(&self, name: &str) -> Option<&Argument> {
        self.arguments
            .iter()
            .find(|a| a.name.as_ref().is_some_and(|n| n.name == name))
    }
}

/// One argument of an attribute or function.
#[derive(Debug, Clone, PartialEq)]
pub struct Argument {
    /// `name:` when given.
    pub name: Option<Ident>,
    /// The value; `None` for `name:` with nothing after it.
    pub value: Option<Expr>,
    /// Where.
    pub span: Span,
}

/// A value.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    /// `"text"`, unescaped.
    String(String, Span),
    /// `42`, `-1.5`, kept as written.
    Number(String, Span),
    /// A bare name or dotted path: `Cascade`, `true`, `Role.ADMIN`.
    Constant(String, Span),
    /// `name(args)`.
    Function(Ident, Vec<Argument>, Span),
    /// `[a, b]`.
    Array(Vec<Expr>, Span),
}

impl Expr {
    /// Where.
    pub fn span(&self) -> Span {
        match self {
            Expr::String(_, s)
            | Expr::Number(_, s)
            | Expr::Constant(_, s)
            | Expr::Function(_, _, s)
            | Expr::Array(_, s) => *s,
        }
    }

    /// The string value, if this is a string literal.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Expr::String(s, _) => Some(s),
            _ => None,
        }
    }

    /// The constant name, if this is a constant.
    pub fn as_constant(&self) -> Option<&str> {
        match self {
            Expr::Constant(s, _) => Some(s),
            _ => None,
        }
    }

    /// What kind of value this is, in words for diagnostics.
    pub fn describe(&self) -> &'static str {
        match self {
            Expr::String(..) => "string",
            Expr::Number(..) => "numeric",
            Expr::Constant(..) => "constant",
            Expr::Function(..) => "functional",
            Expr::Array(..) => "array",
        }
    }
}

/// An `enum` block.
#[derive(Debug, Clone)]
pub struct Enum {
    /// The enum name.
    pub name: Ident,
    /// Doc comment lines above the block.
    pub documentation: Vec<String>,
    /// Values, block attributes and comments in source order.
    pub items: Vec<BlockItem>,
    /// The whole block.
    pub span: Span,
    /// Trailing comment after `{`.
    pub open_comment: Option<Comment>,
}

impl Enum {
    /// The values.
    pub fn values(&self) -> impl Iterator<Item = &EnumValue> {
        self.items.iter().filter_map(|i| match i {
            BlockItem::EnumValue(v) => Some(v),
            _ => None,
        })
    }

    /// The block attributes.
    pub fn attributes(&self) -> impl Iterator<Item = &Attribute> {
        self.items.iter().filter_map(|i| match i {
            BlockItem::Attribute(a, _) => Some(a),
            _ => None,
        })
    }
}

/// One value of an enum.
#[derive(Debug, Clone)]
pub struct EnumValue {
    /// The value name.
    pub name: Ident,
    /// Attributes (`@map`).
    pub attributes: Vec<Attribute>,
    /// Doc comment lines above it.
    pub documentation: Vec<String>,
    /// Trailing comment.
    pub trailing_comment: Option<Comment>,
    /// Where.
    pub span: Span,
}

/// `datasource` or `generator`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConfigKind {
    /// `datasource`
    Datasource,
    /// `generator`
    Generator,
}

/// A `datasource` or `generator` block.
#[derive(Debug, Clone)]
pub struct ConfigBlock {
    /// Which keyword.
    pub kind: ConfigKind,
    /// The block name.
    pub name: Ident,
    /// Doc comment lines above the block.
    pub documentation: Vec<String>,
    /// Key-values and comments in source order.
    pub items: Vec<BlockItem>,
    /// The whole block.
    pub span: Span,
    /// Trailing comment after `{`.
    pub open_comment: Option<Comment>,
}

impl ConfigBlock {
    /// The key-value pairs.
    pub fn properties(&self) -> impl Iterator<Item = &KeyValue> {
        self.items.iter().filter_map(|i| match i {
            BlockItem::KeyValue(kv) => Some(kv),
            _ => None,
        })
    }

    /// The property named `key`.
    pub fn property(&self, key: &str) -> Option<&KeyValue> {
        self.properties().find(|kv| kv.key.name == key)
    }
}

/// `key = value` in a configuration block.
#[derive(Debug, Clone)]
pub struct KeyValue {
    /// The key.
    pub key: Ident,
    /// The value; `None` when missing.
    pub value: Option<Expr>,
    /// Trailing comment.
    pub trailing_comment: Option<Comment>,
    /// Where.
    pub span: Span,
}

/// Legacy `type Alias = Type @attrs`.
#[derive(Debug, Clone)]
pub struct TypeAlias {
    /// The alias name.
    pub name: Ident,
    /// The aliased type.
    pub field_type: FieldType,
    /// Attributes.
    pub attributes: Vec<Attribute>,
    /// Trailing comment.
    pub trailing_comment: Option<Comment>,
    /// Where.
    pub span: Span,
}
