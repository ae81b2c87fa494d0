//! Collector of the entries per document: how many each document has and one of them (for the
//! list of documents and the ids a batch may take).

use std::collections::HashMap;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::{DocAddress, DocId, Score, SegmentOrdinal, SegmentReader};

use crate::index::schema;

/// Counts entries per document id and remembers one entry of each.
pub(crate) struct DocCounter;

/// Per-segment part of [`DocCounter`].
pub(crate) struct DocCounterSegment {
    segment: SegmentOrdinal,
    column: Option<tantivy::columnar::StrColumn>,
    counts: Vec<(u64, Option<DocId>)>,
}

impl Collector for DocCounter {
    type Fruit = Vec<(String, (u64, DocAddress))>;
    type Child = DocCounterSegment;

    fn for_segment(
        &self,
        segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<DocCounterSegment> {
        let column = reader.fast_fields().str(schema::names::DOC_ID)?;
        let n = column.as_ref().map_or(0, |c| c.num_terms());
        Ok(DocCounterSegment {
            segment,
            column,
            counts: vec![(0, None); n],
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(
        &self,
        fruits: Vec<Vec<(String, (u64, DocAddress))>>,
    ) -> tantivy::Result<Self::Fruit> {
        let mut acc: HashMap<String, (u64, DocAddress)> = HashMap::new();
        for (doc_id, (n, address)) in fruits.into_iter().flatten() {
            acc.entry(doc_id).or_insert((0, address)).0 += n;
        }
        Ok(acc.into_iter().collect())
    }
}

impl SegmentCollector for DocCounterSegment {
    type Fruit = Vec<(String, (u64, DocAddress))>;

    fn collect(&mut self, doc: DocId, _score: Score) {
        if let Some(col) = &self.column {
            for ord in col.term_ords(doc) {
                if let Some(slot) = self.counts.get_mut(ord as usize) {
                    slot.0 += 1;
                    slot.1.get_or_insert(doc);
                }
            }
        }
    }

    fn harvest(self) -> Self::Fruit {
        let mut out = Vec::new();
        let Some(col) = &self.column else {
            return out;
        };
        let mut buf = String::new();
        for (ord, (n, doc)) in self.counts.iter().enumerate() {
            if let (true, Some(doc)) = (*n > 0, doc)
                && col.ord_to_str(ord as u64, &mut buf).unwrap_or(false)
            {
                out.push((buf.clone(), (*n, DocAddress::new(self.segment, *doc))));
            }
        }
        out
    }
}
