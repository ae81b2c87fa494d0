//! The gazetteer: Russian settlements, municipal districts and urban okrugs with the subject of
//! the federation they lie in, from `data/places.tsv` (GeoNames; source, licence and generator
//! in `data/PLACES.md`), embedded in the binary and parsed once.
//!
//! A name answers a subject only when every place of that name lies in one subject: a name
//! shared by places of several subjects («Советский», «Заполярный») answers nothing.

use std::collections::HashMap;
use std::sync::LazyLock;

use crate::ru::fold;

/// `name<TAB>kind<TAB>subject` lines; `#` starts a comment line.
const DATA: &str = include_str!("../../data/places.tsv");

/// Folded names → the subjects of the places so named (sorted, without repeats).
type Names = HashMap<String, Vec<&'static str>>;

struct Gazetteer {
    /// Settlements and urban okrugs named after their centre.
    places: Names,
    /// Municipal districts, uluses and kozhuuns by their adjective in the nominative.
    districts: Names,
}

static GAZETTEER: LazyLock<Gazetteer> = LazyLock::new(|| parse(DATA));

fn parse(data: &'static str) -> Gazetteer {
    let mut places = Names::new();
    let mut districts = Names::new();
    for line in data.lines().filter(|l| !l.starts_with('#')) {
        let mut cols = line.split('\t');
        let (Some(name), Some(kind), Some(subject)) = (cols.next(), cols.next(), cols.next())
        else {
            continue;
        };
        let map = match kind {
            "settlement" | "okrug" => &mut places,
            "district" => &mut districts,
            _ => continue,
        };
        let subjects = map.entry(fold(name)).or_default();
        if !subjects.contains(&subject) {
            subjects.push(subject);
        }
    }
    Gazetteer { places, districts }
}

/// What the gazetteer says of a name: unknown, one subject, or several.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Found {
    /// No place of that name.
    Unknown,
    /// Every place of that name lies in this subject.
    One(&'static str),
    /// Places of that name lie in several subjects.
    Ambiguous,
}

impl Found {
    /// The subject when the name is unambiguous.
    pub(super) fn subject(self) -> Option<&'static str> {
        match self {
            Found::One(s) => Some(s),
            _ => None,
        }
    }

    fn of(subjects: &[&'static str]) -> Found {
        match subjects {
            [] => Found::Unknown,
            [one] => Found::One(one),
            _ => Found::Ambiguous,
        }
    }
}

/// The subject of a settlement or urban okrug named in the nominative («Шатура»,
/// «Усолье-Сибирское», «Советская Гавань»).
pub(super) fn settlement(name: &str) -> Found {
    GAZETTEER.settlement(name)
}

/// The subject of a municipal district named by its adjective in the nominative
/// («Шатурский», «Заполярный»): the district list first; a name it lacks is read as the
/// adjective of the district's centre («Балахнинский» ← Балахна, «Калманский» ← Калманка,
/// «Тяжинский» ← пгт Тяжинский), and all the settlements it may come from must agree.
pub(super) fn district(adjective: &str) -> Found {
    GAZETTEER.district(adjective)
}

impl Gazetteer {
    fn settlement(&self, name: &str) -> Found {
        self.places
            .get(&fold(name))
            .map_or(Found::Unknown, |s| Found::of(s))
    }

    fn district(&self, adjective: &str) -> Found {
        let folded = fold(adjective);
        if let Some(s) = self.districts.get(&folded) {
            return Found::of(s);
        }
        let mut subjects: Vec<&'static str> = Vec::new();
        for name in centre_names(&folded) {
            for s in self.places.get(&name).into_iter().flatten() {
                if !subjects.contains(s) {
                    subjects.push(s);
                }
            }
        }
        Found::of(&subjects)
    }
}

/// The settlement names a district adjective (folded, nominative) may be formed from:
/// the adjective itself, and for «…ский»/«…цкий» the stem with the usual endings of town
/// names («шатур» → шатура, «сердоб» → сердобск, «балахнин» → балахна, «калман» →
/// калманка, «богородиц» → богородицк).
fn centre_names(adjective: &str) -> Vec<String> {
    let mut out = vec![adjective.to_string()];
    let Some(stem) = ["ский", "ской"]
        .iter()
        .find_map(|end| adjective.strip_suffix(end))
    else {
        if let Some(stem) = ["цкий", "цкой"]
            .iter()
            .find_map(|end| adjective.strip_suffix(end))
        {
            out.push(format!("{stem}цк"));
        }
        return out;
    };
    if stem.chars().count() < 3 {
        return out;
    }
    for end in ["", "а", "я", "о", "ь", "ы", "и", "е", "ск", "ка"] {
        out.push(format!("{stem}{end}"));
    }
    if let Some(short) = stem.strip_suffix("ин").or_else(|| stem.strip_suffix("ен")) {
        for end in ["а", "о", "я", "ы", "и"] {
            out.push(format!("{short}{end}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn towns_of_every_size_name_their_subject() {
        assert_eq!(settlement("Шатура"), Found::One("Московская область"));
        assert_eq!(
            settlement("УСОЛЬЕ-СИБИРСКОЕ"),
            Found::One("Иркутская область")
        );
        assert_eq!(
            settlement("Советская Гавань"),
            Found::One("Хабаровский край")
        );
        assert_eq!(settlement("Чекалин"), Found::One("Тульская область"));
        assert_eq!(settlement("Плес"), Found::One("Ивановская область"));
        assert_eq!(settlement("Нетакогогорода"), Found::Unknown);
    }

    #[test]
    fn a_name_shared_by_several_subjects_answers_nothing() {
        // Заполярный is a town of Murmansk oblast and a settlement of Komi.
        assert_eq!(settlement("Заполярный"), Found::Ambiguous);
        assert_eq!(settlement("Заполярный").subject(), None);
        assert_eq!(district("Советский"), Found::Ambiguous);
        // Saint Petersburg's city districts are not listed: many cities have a «Центральный».
        assert_ne!(district("Центральный").subject(), Some("Санкт-Петербург"));
        assert_ne!(district("Фрунзенский").subject(), Some("Санкт-Петербург"));
    }

    #[test]
    fn districts_by_their_own_name_or_their_centre() {
        // The district list wins over the ambiguous settlement of the same name.
        assert_eq!(
            district("Заполярный"),
            Found::One("Ненецкий автономный округ")
        );
        assert_eq!(district("Шатурский"), Found::One("Московская область"));
        assert_eq!(district("Корткеросский"), Found::One("Республика Коми"));
        assert_eq!(district("Тяжинский"), Found::One("Кемеровская область"));
    }

    #[test]
    fn a_district_missing_from_the_list_is_read_from_its_centre() {
        let names = centre_names("балахнинский");
        assert!(names.contains(&"балахна".to_string()));
        assert!(centre_names("сердобский").contains(&"сердобск".to_string()));
        assert!(centre_names("богородицкий").contains(&"богородицк".to_string()));
        let g = parse(
            "# test\nБалахна\tsettlement\tНижегородская область\n\
             Кировск\tsettlement\tМурманская область\nКировск\tsettlement\tЛенинградская область\n",
        );
        assert_eq!(
            g.district("Балахнинский"),
            Found::One("Нижегородская область")
        );
        assert_eq!(g.district("Кировский"), Found::Ambiguous);
    }

    #[test]
    fn the_data_covers_every_subject_and_many_towns() {
        let subjects: std::collections::HashSet<&str> =
            GAZETTEER.places.values().flatten().copied().collect();
        assert!(subjects.len() >= 83, "{} subjects", subjects.len());
        assert!(GAZETTEER.places.len() > 4000);
        assert!(GAZETTEER.districts.len() > 1000);
    }
}
