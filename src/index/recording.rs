//! The analyses of an entry's text shared by its fields while the writer indexes it.
//!
//! tantivy analyses each field of a document on its own, in field order: the entry text is
//! analysed for `stem_ru`, then for `exact`, then the aux fields, then `expr`. Their analyses
//! differ only in what they keep: `exact` keeps every folded word, `stem_ru` the same words
//! without stop words, stemmed, and `expr` the expressions found in those stems. So the writer's
//! Russian analyzer ([`RecordingRu`]) makes both the words and the stems in one pass and
//! records them for the thread's next fields; [`ReplayExact`] and
//! [`super::expressions::ExprTokenizer`] replay what was recorded for the same text and
//! analyse it themselves otherwise (another field order, an English entry): the tokens are the
//! same either way. A text recorded lately (an entry's context, topic and block lead-in are
//! mostly the previous entry's) is not analysed again.

use std::cell::RefCell;

use tantivy::tokenizer::Tokenizer;

use crate::analysis::{self, RuAndExact, Tape, TapeStream};

/// How many recent texts are kept per thread: an entry's Russian fields are its text, context,
/// topic and block lead-in, indexed in field order before `exact`'s replay and `expr`.
const RECENT: usize = 4;

/// One text analysed by [`RecordingRu`].
struct Recorded {
    text: String,
    /// Its exact tokens, until [`ReplayExact`] takes them.
    words: Option<Tape>,
    stems: Tape,
}

thread_local! {
    /// The last texts [`RecordingRu`] analysed on this thread.
    static RECENT_TEXTS: RefCell<Vec<Recorded>> = const { RefCell::new(Vec::new()) };
}

/// `f` of the latest record of `text` on this thread, if there is one.
fn with_recorded<T>(text: &str, f: impl FnOnce(&mut Recorded) -> T) -> Option<T> {
    RECENT_TEXTS.with(|recent| {
        let mut recent = recent.borrow_mut();
        recent.iter_mut().rev().find(|r| r.text == text).map(f)
    })
}

/// The Russian analyzer of the writer ([`analysis::RU_STEM`]): the tokens of
/// [`analysis::ru_analyzer`], with the text's exact tokens and stems recorded for the fields
/// analysed next on the thread.
#[derive(Clone, Default)]
pub struct RecordingRu {
    analysis: RuAndExact,
}

impl Tokenizer for RecordingRu {
    type TokenStream<'a> = TapeStream;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> TapeStream {
        // An entry's context, topic and block lead-in are most often the previous entry's.
        let again = with_recorded(text, |r| r.words.is_some().then(|| r.stems.clone())).flatten();
        if let Some(stems) = again {
            return stems.into_stream();
        }
        let (words, stems) = self.analysis.analyse(text);
        let recorded = Recorded {
            text: text.to_owned(),
            words: Some(words),
            stems: stems.clone(),
        };
        RECENT_TEXTS.with(|recent| {
            let mut recent = recent.borrow_mut();
            if recent.len() == RECENT {
                recent.remove(0);
            }
            recent.push(recorded);
        });
        stems.into_stream()
    }
}

/// The exact analyzer of the writer ([`analysis::EXACT`]): the words [`RecordingRu`] recorded
/// for the text, or the text's own analysis.
#[derive(Clone, Default)]
pub struct ReplayExact;

impl Tokenizer for ReplayExact {
    type TokenStream<'a> = TapeStream;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> TapeStream {
        with_recorded(text, |r| r.words.take())
            .flatten()
            .unwrap_or_else(|| analysis::exact_tape(text))
            .into_stream()
    }
}

/// `f` of the stems [`RecordingRu`] recorded for `text` on this thread, if it did.
pub fn with_stems<T>(text: &str, f: impl FnOnce(&Tape) -> T) -> Option<T> {
    with_recorded(text, |r| f(&r.stems))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::{exact_analyzer, ru_analyzer, tokens};
    use tantivy::tokenizer::{Token, TokenStream};

    fn drain(mut stream: TapeStream) -> Vec<Token> {
        let mut out = Vec::new();
        while stream.advance() {
            out.push(stream.token().clone());
        }
        out
    }

    fn same(a: &[Token], b: &[Token]) -> bool {
        a.len() == b.len()
            && a.iter().zip(b).all(|(x, y)| {
                (x.text.as_str(), x.position, x.offset_from, x.offset_to)
                    == (y.text.as_str(), y.position, y.offset_from, y.offset_to)
            })
    }

    #[test]
    fn recorded_and_replayed_tokens_are_the_analyzers_tokens() {
        let (mut ru, mut exact) = (ru_analyzer(), exact_analyzer());
        let mut recording = RecordingRu::default();
        for source in crate::pipeline::embedded_seeds() {
            let doc = crate::pipeline::parse_source(&source);
            for entry in &doc.entries {
                let text = entry.text.as_str();
                let stems = drain(recording.token_stream(text));
                assert!(same(&stems, &tokens(&mut ru, text)), "{text}");
                // Replayed once, then analysed again: the same tokens both times.
                for _ in 0..2 {
                    let words = drain(ReplayExact.token_stream(text));
                    assert!(same(&words, &tokens(&mut exact, text)), "{text}");
                }
                let recorded: Vec<(usize, String)> = with_stems(text, |t| {
                    t.words().map(|(p, s)| (p, s.to_owned())).collect()
                })
                .expect("recorded");
                let direct: Vec<(usize, String)> =
                    stems.iter().map(|t| (t.position, t.text.clone())).collect();
                assert_eq!(recorded, direct);
                // The aux texts, mostly the previous entry's: recorded stems served again.
                for aux in [&entry.context, &entry.topic, &entry.block_title]
                    .into_iter()
                    .flatten()
                {
                    let stems = drain(recording.token_stream(aux));
                    assert!(same(&stems, &tokens(&mut ru, aux)), "{aux}");
                }
            }
        }
    }
}
