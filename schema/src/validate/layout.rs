//! Where lines may go in a block, as the reference has it.
//!
//! A block wholly on one line is fine (`model A { id Int @id }`), but in a block over several
//! lines nothing but a comment may share a line with `{` or `}`, and `{}` alone is not a
//! block. These are layout rules, not syntax: the formatter still tidies such blocks.

use super::Cx;
use crate::ast::{BlockItem, ConfigKind, Top};
use crate::source::Span;

pub(crate) fn check(cx: &mut Cx<'_>, tops: &[&Top]) {
    for t in tops {
        let (span, items, message) = match t {
            Top::Model(m) => (
                m.span,
                &m.items,
                "This line is not a valid field or attribute definition.",
            ),
            Top::Enum(e) => (
                e.span,
                &e.items,
                "This line is not an enum value definition.",
            ),
            Top::Config(c) => (
                c.span,
                &c.items,
                match c.kind {
                    ConfigKind::Generator => {
                        "This line is not a valid definition within a generator."
                    }
                    ConfigKind::Datasource => {
                        "This line is not a valid definition within a datasource."
                    }
                },
            ),
            _ => continue,
        };
        check_block(cx, span, items, message);
    }
}

fn check_block(cx: &mut Cx<'_>, block: Span, items: &[BlockItem], message: &str) {
    let text = &cx.sources.file(block.file).text;
    let Some(open_end) = text[block.start..block.end]
        .find('{')
        .map(|i| block.start + i + 1)
    else {
        return;
    };
    let close_start = block.end.saturating_sub(1);
    let same_line = |a: usize, b: usize| {
        text.get(a.min(b)..a.max(b))
            .is_some_and(|t| !t.contains('\n'))
    };
    let content: Vec<Span> = items
        .iter()
        .filter(|i| !matches!(i, BlockItem::Comment(_) | BlockItem::Error(_)))
        .map(BlockItem::span)
        .collect();
    if same_line(open_end, close_start) {
        if content.is_empty() {
            cx.error(
                "This line is invalid. It does not start with any known Prisma schema keyword.",
                block,
            );
        }
        return;
    }
    let bad: Vec<Span> = content
        .into_iter()
        .filter(|s| same_line(open_end, s.start) || same_line(s.end, close_start))
        .collect();
    for s in bad {
        cx.error(message, s);
    }
}
