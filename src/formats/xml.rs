//! A small event walk over XML parts (quick-xml) with a nesting limit: elements are reported
//! by local name (namespace prefixes dropped), empty elements as open + close, entity and
//! character references resolved into text.

use quick_xml::Reader;
use quick_xml::escape::resolve_predefined_entity;
use quick_xml::events::{BytesStart, Event};

use super::MAX_DEPTH;

/// One step of the walk.
pub(crate) enum Node<'e> {
    /// An element opens.
    Open(Element<'e>),
    /// An element closes (local name).
    Close(&'e str),
    /// Character data.
    Text(&'e str),
}

/// An opened element.
pub(crate) struct Element<'e> {
    start: &'e BytesStart<'e>,
}

impl Element<'_> {
    /// Local name («p» for «w:p»).
    pub(crate) fn name(&self) -> &str {
        local(self.start.name().0)
    }

    /// Value of the attribute with this local name («val» for «w:val»), unescaped.
    pub(crate) fn attr(&self, name: &str) -> Option<String> {
        self.start
            .attributes()
            .flatten()
            .find(|a| local(a.key.0) == name)
            .and_then(|a| {
                a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                    .ok()
                    .map(|v| v.into_owned())
            })
    }
}

fn local(qname: &str) -> &str {
    qname.rsplit(':').next().unwrap_or(qname)
}

/// Walks `xml`, calling `f` for each node. Errors are one-line descriptions (malformed XML,
/// nesting deeper than [`MAX_DEPTH`]).
pub(crate) fn walk(xml: &str, mut f: impl FnMut(Node<'_>)) -> Result<(), String> {
    let mut reader = Reader::from_str(xml);
    let mut depth = 0usize;
    loop {
        let event = reader
            .read_event()
            .map_err(|e| format!("malformed XML at byte {}: {e}", reader.error_position()))?;
        match event {
            Event::Start(ref s) => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return Err(format!("XML nested deeper than {MAX_DEPTH} elements"));
                }
                f(Node::Open(Element { start: s }));
            }
            Event::Empty(ref s) => {
                f(Node::Open(Element { start: s }));
                f(Node::Close(local(s.name().0)));
            }
            Event::End(ref e) => {
                depth = depth.saturating_sub(1);
                f(Node::Close(local(e.name().0)));
            }
            Event::Text(ref t) => f(Node::Text(&t.xml10_content())),
            Event::CData(ref t) => f(Node::Text(&t.xml10_content())),
            Event::GeneralRef(ref r) => {
                if let Ok(Some(c)) = r.resolve_char_ref() {
                    f(Node::Text(c.encode_utf8(&mut [0; 4])));
                } else if let Some(s) = resolve_predefined_entity(r) {
                    f(Node::Text(s));
                }
            }
            Event::Eof => return Ok(()),
            _ => {}
        }
    }
}

/// Walks a part of a package into a per-format error.
pub(crate) fn walk_part(
    xml: &str,
    part: &str,
    format: super::Format,
    f: impl FnMut(Node<'_>),
) -> Result<(), super::FormatError> {
    walk(xml, f).map_err(|e| super::FormatError::damaged(format, format!("{part}: {e}")))
}
