//! Role taxonomy of canonical addressees: keyword rules on the lower-cased, ё-folded
//! canonical form, tried in order (the first rule that matches wins).
//!
//! The order matters where names contain several keywords: municipal heads first; then
//! preschool (before schools); regional institutes/centres (before supplementary education,
//! since «дополнительного профессионального образования» is the institute's type); units of
//! the ministry («Отдел … министерства образования … области») as the regional authority;
//! supplementary education («МБОУ ДО …», опорный центр) before schools; methodological
//! services; municipal authorities; vocational organisations; then schools.
//! «Руководители образовательных организаций» (without «дошкольных»/«профессиональных») are
//! school heads: in these documents the phrase means heads of schools first of all.

use crate::model::Role;

/// (role, any of these substrings of the folded canonical form)
const RULES: [(Role, &[&str]); 10] = [
    (
        Role::MunicipalHead,
        &[
            "главы муниципальн",
            "глава муниципальн",
            "главы администрац",
            "глава администрац",
            "главы районов",
            "главы городских",
            // The administration of a city or district as a body.
            "администрация города",
            "администрация муниципальн",
            "администрация района",
        ],
    ),
    (
        Role::PreschoolHeads,
        &[
            "дошкольн",
            "доу",
            "детский сад",
            "детские сады",
            "детских садов",
        ],
    ),
    (
        Role::RegionalInstitute,
        &[
            "институт развития образования",
            "соиро",
            "региональный центр",
            "региональному центру",
            "региональн центр",
            "рцоко",
            "университет",
            "областной центр",
            "институт повышения квалификации",
            "институт открытого образования",
        ],
    ),
    (
        Role::RegionalAuthority,
        &[
            "министерств",
            "департамент образования",
            "областной комитет",
            "департамент по образованию",
            "региональный координатор",
            "министра образования",
        ],
    ),
    (
        Role::SupplementaryEducation,
        &[
            "дополнительного образования",
            "мбоу до ",
            "мбу до ",
            "мау до ",
            "мбоу до«",
            "мку до ",
            "детско-юношеск",
            "дюсш",
            "детского творчества",
            "опорный центр",
            "кванториум",
        ],
    ),
    (
        Role::MunicipalMethodService,
        &[
            "методическ",
            "ирцосо",
            "ммс",
            "мцоко",
            "муниципальный центр",
            "ресурсный центр",
            "информационно-методическ",
            "муниципальный координатор",
            "муниципальные координаторы",
        ],
    ),
    (
        Role::MunicipalAuthority,
        &[
            "органы местного самоуправления",
            "органов местного самоуправления",
            "орган местного самоуправления",
            "отдел образования",
            "управление образования",
            "управление общего образования",
            "комитет по образованию",
            "комитет образования",
            "органы управления образованием",
            "органов управления образованием",
            // Posts take the role of the body they head: «Начальник отдела образования».
            "отдела образования",
            "отделов образования",
            "отделы образования",
            "управлений образования",
            "отдел общего образования",
            "отдела общего образования",
            "управления образования",
            "управление образованием",
            "управления образованием",
            "комитета по образованию",
            "комитета образования",
        ],
    ),
    (
        Role::VocationalOrganisations,
        &[
            "профессиональн образовательн",
            "профессиональные образовательные",
            "профессиональных образовательных",
            "профессиональное образовательное",
            "профессионального образовательного",
            "спо",
            "колледж",
            "техникум",
        ],
    ),
    (
        Role::SchoolHeads,
        &[
            "общеобразовательн",
            "образовательные организации",
            "образовательных организаций",
            "образовательная организация",
            "образовательной организации",
            "образовательные учреждения",
            "образовательных учреждений",
            "оу",
            "школ",
            "сош",
            "оош",
            "лице",
            "гимнази",
            "мбоу",
            "маоу",
            "моу",
        ],
    ),
    (Role::Other, &[]),
];

const DEPUTY_OF_HEAD: [&str; 5] = [
    " заместитель главы",
    " заместитель мэра",
    " заместитель губернатора",
    " вице-губернатор",
    " заместитель председателя правительства",
];

const MUNICIPAL_DEPARTMENT: [&str; 3] = [
    "департамент образования администрации г",
    "департамент образования администрации муниципальн",
    "департамент образования администрации район",
];

/// Most names whose roles [`role_of`] remembers per thread; the memory is emptied when full.
const REMEMBERED_ROLES: usize = 4096;

thread_local! {
    /// Roles of recently classified names: a corpus names the same bodies over and over.
    static ROLES: std::cell::RefCell<crate::cache::Memo<Role>> =
        std::cell::RefCell::new(crate::cache::Memo::new(REMEMBERED_ROLES));
}

/// Classifies a canonical (nominative) addressee into the role taxonomy.
pub fn role_of(canonical: &str) -> Role {
    if let Some(role) = ROLES.with_borrow(|roles| roles.get(canonical).copied()) {
        return role;
    }
    let role = classify(canonical);
    ROLES.with_borrow_mut(|roles| *roles.insert(canonical, role))
}

/// [`role_of`], computed.
fn classify(canonical: &str) -> Role {
    let folded = format!(" {} ", crate::ru::fold(canonical));
    // Deputies of a head of administration, mayor or governor are not the administration.
    if DEPUTY_OF_HEAD.iter().any(|k| folded.contains(k)) {
        return Role::Other;
    }
    // An education department of a city or district administration is municipal.
    if MUNICIPAL_DEPARTMENT.iter().any(|k| folded.contains(k)) {
        return Role::MunicipalAuthority;
    }
    // Abbreviations and words are matched on word starts so «оу» does not hit «моу»-like
    // substrings of unrelated words.
    for (role, keys) in RULES {
        if keys.iter().any(|k| contains_word_start(&folded, k)) {
            return role;
        }
    }
    Role::Other
}

/// Whether `key` occurs in `hay` starting at a word start (after a space, quote or bracket).
fn contains_word_start(hay: &str, key: &str) -> bool {
    hay.match_indices(key).any(|(i, _)| {
        hay[..i]
            .chars()
            .next_back()
            .is_none_or(|c| !crate::ru::is_alphanumeric(c))
    })
}
