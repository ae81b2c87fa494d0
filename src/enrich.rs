//! Stage 5: enrichment — canonical addressees with roles, deadlines, responsible persons.

use crate::model::{Addressee, Deadline, Entry, Role};

pub use alias::{Aliases, WELL_KNOWN};

mod addressee;
mod alias;
mod deadline;
pub(crate) mod morph;
mod responsible;
mod role;
mod spelling;

/// Splits an addressee lead-in («Министерству образования … области во взаимодействии с …:»)
/// into addressees with nominative canonical forms and roles.
///
/// Co-operating partners after «во взаимодействии с» / «совместно с» are not addressees.
/// See the module `addressee` for the exact rules of `raw` and `canonical`.
pub fn addressees(lead_in: &str) -> Vec<Addressee> {
    addressee::addressees(lead_in)
}

/// Addressees of a list known to be in the nominative (the Model of 003: «5. Организации
/// дополнительного образования детей с функциями:» → pass «Организации дополнительного
/// образования детей»). [`addressees`] recognises the nominative by itself when the first word
/// cannot be dative or when the text contains «с функциями»; use this function when the
/// «с функциями» has been cut off and the first word is ambiguous («Организации»).
pub fn addressees_nominative(list: &str) -> Vec<Addressee> {
    addressee::addressees_nominative(list)
}

/// Addressees of a list in the accusative («возложить на начальника управления образования»).
pub fn addressees_accusative(list: &str) -> Vec<Addressee> {
    addressee::addressees_accusative(list)
}

/// Classifies a canonical (nominative) addressee into the role taxonomy
/// (ordered keyword rules on the lower-cased, ё-folded form; see the module `role`).
pub fn role_of(canonical: &str) -> Role {
    role::role_of(canonical)
}

/// Finds the deadline in a piece of text («до 30 ноября 2021 года», «в срок до 31.12.2021 г.»).
///
/// The first deadline phrase of the text wins; see the module `deadline` for the dates
/// given to month-, year- and school-year-level phrases. Invalid dates give `None`.
pub fn deadline(text: &str) -> Option<Deadline> {
    deadline::deadline(text)
}

/// A term without a date («заблаговременно», «в период весенних школьных каникул», «по
/// завершении 2011/2012 учебного года»): its words as written, for `deadline_text` when
/// [`deadline`] finds no date.
pub fn undated_term(text: &str) -> Option<String> {
    deadline::undated_term(text)
}

/// Responsible persons named in parentheses («(Абрамова)», «(Иванова Т.А., Петров)»):
/// surnames only, in order, without repeats.
pub fn responsible(text: &str) -> Vec<String> {
    responsible::responsible(text)
}

/// Replaces each addressee's canonical form by the single canonical form of its body
/// (`aliases`: the document's own definitions, then the table of well-known bodies; see the
/// module `alias`), recomputes the role from it and drops addressees that became repeats.
/// `raw` is kept as written.
pub fn merge_aliases(addressees: &mut Vec<Addressee>, aliases: &Aliases) {
    rename(addressees, |c| aliases.resolve(c));
}

/// Gives the canonical names of one document's addressees a single spelling: a name that
/// differs from a more used one by one typo in one long word («Ртищевкого» / «Ртищевского»)
/// takes that name (see the module `spelling` for the exact rule). Roles are recomputed,
/// repeats within an entry dropped; `raw` is kept as written.
pub fn unify_spellings(entries: &mut [Entry]) {
    let names = entries
        .iter()
        .flat_map(|e| &e.addressees)
        .map(|a| a.canonical.as_str());
    let map = spelling::variants(names);
    if map.is_empty() {
        return;
    }
    for e in entries {
        rename(&mut e.addressees, |c| {
            map.get(c).cloned().unwrap_or_else(|| c.to_owned())
        });
    }
}

/// Whether two canonical names are spellings of one name by the rule of
/// [`unify_spellings`]: one word differs, by one edit, in a word of at least seven letters
/// that is no abbreviation, has no digits, and not both spellings are dictionary words.
pub fn one_typo_apart(a: &str, b: &str) -> bool {
    spelling::one_typo_apart(a, b)
}

/// Gives each addressee the canonical form `new_name` returns for its own, recomputes the
/// role when it changed and drops addressees that became repeats.
fn rename(addressees: &mut Vec<Addressee>, new_name: impl Fn(&str) -> String) {
    let mut out: Vec<Addressee> = Vec::with_capacity(addressees.len());
    for mut a in addressees.drain(..) {
        let canonical = new_name(&a.canonical);
        if canonical != a.canonical {
            a.role = role_of(&canonical);
            a.canonical = canonical;
        }
        if !out.iter().any(|b| b.canonical == a.canonical) {
            out.push(a);
        }
    }
    *addressees = out;
}
