//! The parse pipeline on the five real seeds: exact item boundaries, types, numbers, topics,
//! deadlines and addressees of a broad sample of items, counts per document and type, and
//! invariants that must hold for every entry. Plus a hard-wrapped re-rendering of a seed
//! generated here, which must give the same recommendations as the original.

use std::collections::{BTreeSet, HashSet};
use std::sync::LazyLock;

use chrono::NaiveDate;
use edusearch::model::{DocKind, Document, Entry, EntryType, Level, Role};
use edusearch::pipeline::{embedded_seeds, parse_source};
use proptest::strategy::Strategy;
use regex::Regex;

static DOCS: LazyLock<Vec<Document>> =
    LazyLock::new(|| embedded_seeds().iter().map(parse_source).collect());

fn doc(prefix: &str) -> &'static Document {
    let found = DOCS.iter().find(|d| d.meta.doc_id.starts_with(prefix));
    found.unwrap_or_else(|| panic!("seed {prefix} not parsed (decoder rejected it?)"))
}

/// The unique entry of `d` whose text starts with `start`.
fn entry<'a>(d: &'a Document, start: &str) -> &'a Entry {
    let found: Vec<&Entry> = d
        .entries
        .iter()
        .filter(|e| e.text.starts_with(start))
        .collect();
    assert_eq!(
        found.len(),
        1,
        "{}: expected one entry starting with {start:?}, found {:?}",
        d.meta.doc_id,
        found.iter().map(|e| &e.id).collect::<Vec<_>>()
    );
    found[0]
}

fn date(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d)
}

/// What a sampled item must look like.
struct Item<'s> {
    start: &'s str,
    end: &'s str,
    ty: EntryType,
    number: Option<&'s str>,
    topic: Option<&'s str>,
    deadline: Option<NaiveDate>,
    context: Option<&'s str>,
}

const REC: EntryType = EntryType::Recommendation;
const FIND: EntryType = EntryType::Finding;
const PROV: EntryType = EntryType::Provision;

fn check(d: &Document, items: &[Item]) {
    for it in items {
        let e = entry(d, it.start);
        assert!(
            e.text.ends_with(it.end),
            "{}: text of {:?} ends wrongly: …{:?}",
            e.id,
            it.start,
            e.text
                .chars()
                .rev()
                .take(60)
                .collect::<String>()
                .chars()
                .rev()
                .collect::<String>()
        );
        assert_eq!(e.entry_type, it.ty, "{}: type", e.id);
        assert_eq!(e.number.as_deref(), it.number, "{}: number", e.id);
        assert_eq!(e.topic.as_deref(), it.topic, "{}: topic", e.id);
        assert_eq!(
            e.deadline, it.deadline,
            "{}: deadline ({:?})",
            e.id, e.deadline_text
        );
        match it.context {
            Some(c) => assert!(
                e.context.as_deref().is_some_and(|x| x.starts_with(c)),
                "{}: context {:?} should start with {c:?}",
                e.id,
                e.context
            ),
            None => assert_eq!(e.context, None, "{}: context", e.id),
        }
    }
}

/// Canonical forms and roles of the addressees of the entry starting with `start`.
fn check_addressees(d: &Document, start: &str, expected: &[(Option<&str>, Role)]) {
    let e = entry(d, start);
    let got: Vec<(&str, Role)> = e
        .addressees
        .iter()
        .map(|a| (a.canonical.as_str(), a.role))
        .collect();
    assert_eq!(got.len(), expected.len(), "{}: addressees {got:?}", e.id);
    for ((canonical, role), (want_canonical, want_role)) in got.iter().zip(expected) {
        assert_eq!(role, want_role, "{}: role of {canonical}", e.id);
        if let Some(w) = want_canonical {
            assert_eq!(canonical, w, "{}: canonical", e.id);
        }
    }
}

const S1_001: &str = "Современные ориентиры региональной политики в области воспитания и дополнительного образования детей";

#[test]
fn seed_001_regional_resolution_items() {
    let d = doc("001");
    check(
        d,
        &[
            Item {
                start: "обеспечить реализацию Программы развития воспитания в Саратовской области на 2020-2025 годы; Плана основных мероприятий на 2021 – 2027 годы, проводимых в Саратовской области, в рамках Десятилетия детства; Регионального",
                end: "Стратегии развития воспитания в Российской Федерации на период до 2025 года",
                ty: REC,
                number: Some("1-1"),
                topic: Some(S1_001),
                deadline: None,
                context: None,
            },
            Item {
                start: "до 30 декабря 2021 года разработать и утвердить Концепцию",
                end: "в Саратовской области на период до 2030 года.",
                ty: REC,
                number: Some("1-3"),
                topic: Some(S1_001),
                deadline: date(2021, 12, 30),
                context: None,
            },
            Item {
                // joined across a blank line in the middle of a parenthesis
                start: "разработать, нормативно закрепить и внедрить до 30 ноября 2021 года муниципальную систему",
                end: "методическая поддержка на основе профессиональных дефицитов и т.п.), конкурсные мероприятия и определение муниципальных статусных знаков отличия педагогических работников системы воспитания («Классный руководитель года», «Признание классного коллектива», «Признание родителей», «Признание коллег», «Признание общественности»), используя лучшие практики поддержки классных руководителей Балаковского, Вольского, Лысогорского, Турковского муниципальных районов и муниципального образования «Город Саратов»",
                ty: REC,
                number: Some("3-3"),
                topic: Some(S1_001),
                deadline: date(2021, 11, 30),
                context: None,
            },
            Item {
                start: "лучшие муниципальные практики взаимодействия семьи и школы",
                end: "детско-родительских сообществ и т.п.)",
                ty: REC,
                number: Some("5-1"),
                topic: Some(S1_001),
                deadline: date(2022, 4, 15),
                context: Some("обобщить в 2021/2022 учебном году и разместить"),
            },
            Item {
                start: "в срок до 1 мая 2022 года обеспечить получение лицензии",
                end: "в сфере дополнительного образования.",
                ty: REC,
                number: Some("6-1"),
                topic: Some(S1_001),
                deadline: date(2022, 5, 1),
                context: None,
            },
            Item {
                start: "Создание системы межведомственного взаимодействия по преодолению дефицита",
                end: "педагогических кадров в Саратовской области.",
                ty: FIND,
                number: Some("1"),
                topic: Some("Дефицит педагогических кадров: пути преодоления"),
                deadline: None,
                context: Some("В настоящий момент в регионе особое внимание уделяется"),
            },
            Item {
                start: "Участники сессии одобрили принятие программы и дорожной карты",
                end: "на 2022-2025 гг.",
                ty: FIND,
                number: None,
                topic: Some("Дефицит педагогических кадров: пути преодоления"),
                deadline: None,
                context: None,
            },
            Item {
                start: "профессиональную ориентацию обучающихся для осознанного выбора",
                end: "сети психолого-педагогических классов",
                ty: REC,
                number: Some("3-1"),
                topic: Some("Дефицит педагогических кадров: пути преодоления"),
                deadline: None,
                context: Some("взять на личный контроль:"),
            },
            Item {
                // a block of one sentence: the addressee is in the same sentence
                start: "Министерству образования Саратовской области обеспечить эффективную реализацию",
                end: ".",
                ty: REC,
                number: Some("1"),
                topic: Some("Инклюзивное образование - есть ли перспективы?"),
                deadline: None,
                context: None,
            },
        ],
    );
}

#[test]
fn seed_001_addressees() {
    let d = doc("001");
    let ministry = Some("Министерство образования Саратовской области");
    check_addressees(
        d,
        "обеспечить реализацию Программы развития воспитания в Саратовской области на 2020-2025 годы; Плана основных мероприятий на 2021 – 2027 годы, проводимых в Саратовской области, в рамках Десятилетия детства; Регионального",
        &[(ministry, Role::RegionalAuthority)],
    );
    check_addressees(
        d,
        "разработать, нормативно закрепить и внедрить до 30 ноября 2021 года муниципальную систему",
        &[(
            Some("Главы муниципальных районов (городских округов)"),
            Role::MunicipalHead,
        )],
    );
    check_addressees(
        d,
        "лучшие муниципальные практики взаимодействия семьи и школы",
        &[(None, Role::MunicipalMethodService)],
    );
    check_addressees(
        d,
        "в срок до 1 мая 2022 года обеспечить получение лицензии",
        &[(None, Role::PreschoolHeads)],
    );
    check_addressees(
        d,
        "Министерству образования Саратовской области обеспечить эффективную реализацию",
        &[(ministry, Role::RegionalAuthority)],
    );
}

/// Canonical forms of the addressees with `role` in a document.
fn canonicals(d: &Document, role: Role) -> BTreeSet<&str> {
    d.entries
        .iter()
        .flat_map(|e| &e.addressees)
        .filter(|a| a.role == role)
        .map(|a| a.canonical.as_str())
        .collect()
}

const SOIRO_FULL: &str = "Государственное автономное учреждение дополнительного профессионального образования «Саратовский областной институт развития образования»";
const RCOKO_FULL: &str = "Государственное автономное учреждение Саратовской области «Региональный центр оценки качества образования»";

/// A body named in full and by its abbreviation has ONE canonical form (the short official
/// form); `raw` keeps the words as written.
#[test]
fn full_names_and_abbreviations_merge_into_one_canonical_form() {
    let institutes = BTreeSet::from(["ГАУ ДПО «СОИРО»", "ГАУ СО «РЦОКО»"]);
    for p in ["001", "003"] {
        let d = doc(p);
        assert_eq!(canonicals(d, Role::RegionalInstitute), institutes, "{p}");
        // Both documents define the short forms themselves (001: «… (ГАУ ДПО «СОИРО»)»,
        // 003: «(далее – ГАУ ДПО «СОИРО»)»), so the table is not what merges them.
        let texts: Vec<&str> = edusearch::pipeline::SEEDS
            .iter()
            .filter(|(name, _)| name.starts_with(p))
            .map(|(_, text)| *text)
            .collect();
        let paras = edusearch::clean::paragraphs(texts[0]);
        let aliases = edusearch::enrich::Aliases::from_paragraphs(&paras);
        assert_eq!(aliases.defined(SOIRO_FULL), Some("ГАУ ДПО «СОИРО»"), "{p}");
        assert_eq!(aliases.defined(RCOKO_FULL), Some("ГАУ СО «РЦОКО»"), "{p}");
    }
    let full_raw = doc("001")
        .entries
        .iter()
        .flat_map(|e| &e.addressees)
        .find(|a| {
            a.raw
                .starts_with("Государственному автономному учреждению дополнительного")
        })
        .expect("001 names the institute in full");
    assert_eq!(full_raw.canonical, "ГАУ ДПО «СОИРО»");
    // 000 uses «Муниципальному казенному учреждению «Муниципальный центр …»», «МКУ
    // «Муниципальный центр …»» and «МКУ «МЦОКО»» without defining them: the table merges them.
    for p in ["000", "002"] {
        assert_eq!(
            canonicals(doc(p), Role::MunicipalMethodService),
            BTreeSet::from(["МКУ «МЦОКО»"]),
            "{p}"
        );
    }
    let raws: BTreeSet<&str> = doc("000")
        .entries
        .iter()
        .flat_map(|e| &e.addressees)
        .filter(|a| a.canonical == "МКУ «МЦОКО»")
        .map(|a| a.raw.as_str())
        .collect();
    assert!(
        raws.iter()
            .any(|r| r.starts_with("Муниципальному казенному учреждению «Муниципальный центр")),
        "{raws:?}"
    );
    assert!(raws.contains("МКУ «МЦОКО»"), "{raws:?}");
}

/// Hard-wrapped seeds: a sentence that ends at the end of a full line is still a paragraph
/// end when the next paragraph opens like others in the document or its first word would
/// have fitted on the line (000 against its source 001; the Concept and Model of 003).
#[test]
fn wrapped_paragraph_ends_after_full_lines() {
    let d000 = doc("000");
    // 001 (one paragraph per line) keeps these together and apart respectively.
    let joined = entry(
        d000,
        "Участники стратегической сессии отметили, что воспитание",
    );
    assert!(
        joined
            .text
            .contains("в образовательных организациях. Важность этой деятельности")
    );
    let own = entry(d000, "Вместе с тем отсутствует единый механизм внедрения");
    assert_eq!(own.entry_type, FIND);
    let d003 = doc("003");
    for start in [
        "На третьем этапе мониторинга, на основе данных МИАС",
        "Среди педагогических стратегий важно определить такие",
        "Создание региональной и муниципальной (в 100% муниципалитетов)",
        "Наличие региональной системы по выявлению профессиональных",
    ] {
        let e = entry(d003, start);
        assert_eq!(e.entry_type, PROV, "{start}");
    }
    for e in d003.entries.iter().chain(&d000.entries) {
        for glued in [
            "(ноябрь текущего учебного года). На третьем",
            "в 100 % муниципальных районов. Создание",
            "дефицита педагогических кадров, развития системы наставничества. Вместе",
        ] {
            assert!(!e.text.contains(glued), "{}: {glued}", e.id);
        }
    }
}

const S1_000: &str = "Современные ориентиры региональной политики в области воспитания и дополнительного образования детей";

#[test]
fn seed_000_wrapped_municipal_resolution_items() {
    let d = doc("000");
    check(
        d,
        &[
            Item {
                start: "обеспечить реализацию Программы развития воспитания в Саратовской области на 2020–2025 годы, Плана",
                end: "муниципальной программы развития воспитания в Ртищевском муниципальном районе",
                ty: REC,
                number: Some("1-1"),
                topic: Some(S1_000),
                deadline: None,
                context: None,
            },
            Item {
                start: "лучшие муниципальные практики взаимодействия семьи и школы (организация и поддержка",
                end: "детско-родительских сообществ и т.п.)",
                ty: REC,
                number: None,
                topic: Some(S1_000),
                deadline: date(2022, 4, 15),
                context: Some("Обобщить в 2021/2022 учебном году"),
            },
            Item {
                start: "недостаточно ведется работа педагогических коллективов по вовлечению детей",
                end: "волонтерского опыта в федеральной ЕИС ДОБРО.РУ",
                ty: FIND,
                number: None,
                topic: Some(S1_000),
                deadline: None,
                context: Some("Участники стратегической сессии отметили существующие проблемы"),
            },
            Item {
                // «социально-⏎⏎психологического»: a compound, the hyphen stays
                start: "поручить муниципальным внештатным специалистам социально-психологического сопровождения обеспечить",
                end: "реализации антикризисного плана образовательной организации",
                ty: REC,
                number: Some("3-3"),
                topic: Some("Безопасность образовательной среды: новые ориентиры и практики"),
                deadline: date(2021, 12, 31),
                context: Some("до конца 2021 года:"),
            },
            Item {
                start: "разработать и реализовать программу повышения качества образования в общеобразовательной организации",
                end: "при наличии низких образовательных результатов.",
                ty: REC,
                number: Some("3-4"),
                topic: Some("Развитие и обновление содержания образования. Традиции и новации"),
                deadline: None,
                context: None,
            },
            Item {
                start: "Руководителям образовательных организаций организовать с 1 сентября 2021 года",
                end: "рабочих программ воспитания",
                ty: REC,
                number: Some("3"),
                topic: Some(S1_000),
                deadline: None,
                context: None,
            },
            Item {
                start: "руководителям дошкольных образовательных организаций обеспечить реализацию проекта",
                end: "«Культурный дневник дошкольника Саратовской области».",
                ty: REC,
                number: Some("1-5"),
                topic: Some("Дошкольное образование. Векторы развития"),
                deadline: None,
                context: None,
            },
        ],
    );
}

#[test]
fn seed_000_addressees() {
    let d = doc("000");
    check_addressees(
        d,
        "обеспечить реализацию Программы развития воспитания в Саратовской области на 2020–2025 годы, Плана",
        &[
            (
                Some(
                    "Управление общего образования администрации Ртищевского муниципального района",
                ),
                Role::MunicipalAuthority,
            ),
            (Some("Образовательные организации"), Role::SchoolHeads),
        ],
    );
    check_addressees(
        d,
        "лучшие муниципальные практики взаимодействия семьи и школы (организация и поддержка",
        &[(None, Role::MunicipalMethodService)],
    );
    check_addressees(
        d,
        "Руководителям образовательных организаций организовать с 1 сентября 2021 года",
        &[(
            Some("Руководители образовательных организаций"),
            Role::SchoolHeads,
        )],
    );
}

#[test]
fn seed_002_bulleted_resolution_items() {
    let d = doc("002");
    check(
        d,
        &[
            Item {
                start: "разработать дорожную карту по организации работы с общеобразовательными организациями",
                end: "в 2020/2021 учебном году в срок до 1 октября 2020 года",
                ty: REC,
                number: Some("1-1"),
                topic: None,
                deadline: date(2020, 10, 1),
                context: None,
            },
            Item {
                // a wrapped line («…на заседании⏎Федерального…») joined back
                start: "Организовать работу по разработке рабочих программ воспитания",
                end: "одобренной на заседании Федерального учебно-методического объединения и внесенной в Реестр примерных основных общеобразовательных программ, в срок до 1 мая 2021 года.",
                ty: REC,
                number: Some("6-1"),
                topic: None,
                deadline: date(2021, 5, 1),
                context: None,
            },
            Item {
                start: "детально проработать результаты мониторинга оценки качества образования",
                end: "в области воспитания и социализации обучающихся",
                ty: REC,
                number: Some("5-1"),
                topic: None,
                deadline: date(2020, 11, 1),
                context: Some("Принять меры по совершенствованию системы воспитания"),
            },
            Item {
                // after «1. [bookmark: bookmark3]МКУ МЦОКО:» — numbering restarted
                start: "разработать и распространить по общеобразовательным организациям",
                end: "в области воспитания и социализации обучающихся",
                ty: REC,
                number: Some("1-1"),
                topic: None,
                deadline: None,
                context: None,
            },
            Item {
                start: "Обеспечить 100% охват горячим питанием",
                end: "обучающихся 1-4 классов.",
                ty: REC,
                number: Some("2-4"),
                topic: None,
                deadline: None,
                context: None,
            },
            Item {
                start: "В 2019 и 2020 годах создано 6 центров образования",
                end: "профилей «Точка роста»",
                ty: FIND,
                number: None,
                topic: None,
                deadline: None,
                context: None,
            },
            Item {
                start: "предусмотреть в дополнительных общеобразовательных программах модуль",
                end: "определение образовательной траектории",
                ty: REC,
                number: Some("1-1"),
                topic: None,
                deadline: None,
                context: None,
            },
        ],
    );
}

#[test]
fn seed_002_addressees() {
    let d = doc("002");
    let uoo = Some("Управление общего образования администрации Ртищевского муниципального района");
    check_addressees(
        d,
        "разработать дорожную карту по организации работы с общеобразовательными организациями",
        &[
            (uoo, Role::MunicipalAuthority),
            (None, Role::MunicipalMethodService),
        ],
    );
    check_addressees(
        d,
        "разработать и распространить по общеобразовательным организациям",
        &[(None, Role::MunicipalMethodService)],
    );
    check_addressees(
        d,
        "Обеспечить 100% охват горячим питанием",
        &[(
            Some("Руководители образовательных организаций"),
            Role::SchoolHeads,
        )],
    );
    check_addressees(
        d,
        "обеспечить необходимые условия организации образовательного процесса",
        &[(
            Some("Руководители детских дошкольных учреждений"),
            Role::PreschoolHeads,
        )],
    );
}

const CONCEPT: &str = "Концепция поддержки общеобразовательных организаций Саратовской области, имеющих низкие образовательные результаты обучающихся, на 2020-2024 годы";
const MODEL: &str = "Модель поддержки общеобразовательных организаций Саратовской области, имеющих низкие образовательные результаты обучения";

#[test]
fn seed_003_order_with_concept_and_model() {
    let d = doc("003");
    check(
        d,
        &[
            Item {
                start: "Концепцию поддержки общеобразовательных организаций Саратовской области",
                end: "на 2020-2024 годы (приложение № 1)",
                ty: REC,
                number: Some("1.1"),
                topic: None,
                deadline: None,
                context: Some("Утвердить:"),
            },
            Item {
                start: "Направить копию настоящего приказа в министерство информации и печати",
                end: "для его официального опубликования",
                ty: REC,
                number: Some("3.1"),
                topic: None,
                deadline: None,
                context: None,
            },
            Item {
                start: "в прокуратуру Саратовской области",
                end: "в течение трех рабочих дней со дня его подписания",
                ty: REC,
                number: Some("4.1"),
                topic: None,
                deadline: None,
                context: Some("направить настоящий приказ:"),
            },
            Item {
                start: "Федеральный закон от 29 декабря 2012 года № 273-ФЗ",
                end: "(с изменениями и дополнениями)",
                ty: PROV,
                number: Some("1"),
                topic: Some(CONCEPT),
                deadline: None,
                context: Some("Концепция разработана с учетом следующих документов:"),
            },
            Item {
                start: "резервного времени (при наличии)",
                end: "резервного времени (при наличии)",
                ty: PROV,
                number: Some("3.6.1"),
                topic: Some(CONCEPT),
                deadline: None,
                context: Some("В рамках учебных предметов дополнительные часы"),
            },
            Item {
                // a footnote URL line between two bullets is dropped
                start: "устранение дефицита педагогических кадров",
                end: "организациях, имеющих низкие образовательные результаты",
                ty: PROV,
                number: None,
                topic: Some(CONCEPT),
                deadline: None,
                context: Some("Для достижения поставленной цели необходимо решить"),
            },
            Item {
                start: "Сетевые профессиональные сообщества и ассоциации учителей-предметников, позволят",
                end: "имеющих низкие образовательные результаты.",
                ty: PROV,
                number: None,
                topic: Some(CONCEPT),
                deadline: None,
                context: None,
            },
            Item {
                start: "разработка и принятие нормативных и распорядительных актов",
                end: "регламентирующих реализацию проекта",
                ty: PROV,
                number: Some("1-1"),
                topic: Some(MODEL),
                deadline: None,
                context: None,
            },
            Item {
                start: "разработка и реализация плана мероприятий (дорожной карты) реализации региональной модели",
                end: "имеющих низкие образовательные результаты",
                ty: PROV,
                number: None,
                topic: Some(MODEL),
                deadline: None,
                context: None,
            },
        ],
    );
    // A page number inside a sentence («… образовательные⏎9⏎результаты …») is dropped.
    let e = entry(
        d,
        "Реализация муниципальных и школьных программ по повышению качества",
    );
    assert!(
        e.context
            .as_deref()
            .is_some_and(|c| c.contains("низкие образовательные результаты, путем реализации")),
        "{:?}",
        e.context
    );
    let model = entry(
        d,
        "разработка и принятие нормативных и распорядительных актов",
    );
    assert!(
        model
            .section
            .as_deref()
            .is_some_and(|s| s.starts_with("II. Участники реализации региональной модели")),
        "{:?}",
        model.section
    );
}

#[test]
fn seed_003_addressees() {
    let d = doc("003");
    check_addressees(
        d,
        "разработка и принятие нормативных и распорядительных актов",
        &[(
            Some("Министерство образования Саратовской области"),
            Role::RegionalAuthority,
        )],
    );
    let soiro = entry(
        d,
        "разработка и реализация плана мероприятий (дорожной карты) реализации региональной модели",
    );
    assert!(
        soiro
            .addressees
            .iter()
            .any(|a| a.canonical.contains("СОИРО") && a.role == Role::RegionalInstitute),
        "{:?}",
        soiro.addressees
    );
    check_addressees(
        d,
        "в прокуратуру Саратовской области",
        &[(None, Role::RegionalAuthority)],
    );
    let directive = entry(
        d,
        "Государственному автономному учреждению Саратовской области «Региональный центр",
    );
    let roles: HashSet<Role> = directive.addressees.iter().map(|a| a.role).collect();
    assert!(
        roles.contains(&Role::RegionalInstitute) && roles.contains(&Role::SchoolHeads),
        "{:?}",
        directive.addressees
    );
}

#[test]
fn seed_004_tabular_decision_items() {
    let d = doc("004");
    check(
        d,
        &[
            Item {
                start: "Согласиться с выводами и оценками",
                end: "выступлениях по обсуждаемым вопросам.",
                ty: REC,
                number: Some("1"),
                topic: None,
                deadline: None,
                context: None,
            },
            Item {
                start: "Обеспечить своевременную разработку проектно-сметной документации",
                end: "капитальный ремонт по замене окон в МБОУ «Сатинская СОШ»",
                ty: REC,
                number: Some("2.3"),
                topic: None,
                deadline: date(2021, 12, 31),
                context: None,
            },
            Item {
                start: "создать стажировочную площадку по предметной области «Технология»",
                end: "на базе Сампурского филиала МБОУ «Сатинская СОШ»",
                ty: REC,
                number: Some("2.5-2"),
                topic: Some("Современная школа"),
                deadline: date(2021, 10, 1),
                context: Some("В рамках проекта «Современная школа»:"),
            },
            Item {
                start: "внести в образовательную программу школы описание цифровой среды",
                end: "выполнения и проверки домашнего задания.",
                ty: REC,
                number: Some("2.7.1-1"),
                topic: Some("Цифровая образовательная среда"),
                deadline: date(2021, 10, 1),
                context: Some("В рамках реализации проекта «Цифровая образовательная среда»:"),
            },
            Item {
                // the item names a period «до 2025 года»; the deadline line after it wins
                start: "разработать и утвердить муниципальную программу развития воспитания",
                end: "Программы развития воспитания в Тамбовской области на период до 2025 года",
                ty: REC,
                number: Some("2.8-6"),
                topic: Some("Патриотическое воспитание граждан Российской Федерации"),
                deadline: date(2021, 10, 15),
                context: Some("В рамках проекта «Патриотическое воспитание"),
            },
            Item {
                start: "реализации межведомственных планов и программ по предупреждению",
                end: "дорожно-транспортного травматизма",
                ty: REC,
                number: Some("2.9-3"),
                topic: None,
                deadline: None,
                context: Some("Организовать профилактическую работу с несовершеннолетними"),
            },
            Item {
                start: "управление цифровой трансформацией образования",
                end: "управление цифровой трансформацией образования",
                ty: REC,
                number: Some("6.5-2"),
                topic: None,
                deadline: None,
                context: Some("Расширить практику повышения квалификации руководителей"),
            },
            Item {
                start: "заключить договоры целевого обучения с лицами",
                end: "по направлению подготовки «Образование и педагогические науки»",
                ty: REC,
                number: Some("5.2-2"),
                topic: None,
                deadline: date(2022, 8, 25),
                context: Some("В соответствии с прогнозной и актуальной потребностью"),
            },
            Item {
                start: "Заслушав и обсудив с участием главы администрации Сампурского района",
                end: "а также основополагающих документов Правительства Российской Федерации.",
                ty: FIND,
                number: None,
                topic: None,
                deadline: None,
                context: None,
            },
        ],
    );
    // The deadline line after an item is its deadline_text, not an entry.
    let e = entry(
        d,
        "Принять меры по повышению эффективности бюджетных расходов",
    );
    assert_eq!(e.number.as_deref(), Some("2.1"));
    assert_eq!(
        e.deadline_text.as_deref(),
        Some("в течение 2021/2022 учебного года")
    );
    assert!(d.entries.iter().all(|e| !e.text.starts_with("в срок до")
        && !e.text.starts_with("в течение")
        && e.text != "постоянно"));
    let e = entry(d, "«Выходные с пользой» по развитию творчества");
    assert_eq!(e.number.as_deref(), Some("7.3-2"));
    assert_eq!(e.responsible, vec!["Ветрова".to_string()]);
    assert_eq!(e.deadline_text.as_deref(), Some("в течение 2021/2022 года"));
    let e = entry(
        d,
        "внести в образовательную программу школы описание цифровой среды",
    );
    assert_eq!(e.responsible, vec!["Ветров".to_string()]);
}

#[test]
fn seed_004_addressees() {
    let d = doc("004");
    let e = entry(
        d,
        "Принять меры по повышению эффективности бюджетных расходов",
    );
    let roles: Vec<Role> = e.addressees.iter().map(|a| a.role).collect();
    assert_eq!(
        roles,
        vec![Role::MunicipalAuthority, Role::SchoolHeads],
        "{:?}",
        e.addressees
    );
    assert_eq!(
        e.responsible,
        ["Абрамова", "Ветров", "Ветрова", "Гонтарева"]
            .map(String::from)
            .to_vec()
    );
    check_addressees(
        d,
        "внести в образовательную программу школы описание цифровой среды",
        &[(Some("МБОУ «Сатинская СОШ»"), Role::SchoolHeads)],
    );
    check_addressees(
        d,
        "управление цифровой трансформацией образования",
        &[(None, Role::MunicipalMethodService)],
    );
}

#[test]
fn document_metadata() {
    let m = |p: &str| &doc(p).meta;
    assert_eq!(m("001").title, "PRO.Образование 64.Векторы развития");
    assert_eq!(m("001").kind, DocKind::Resolution);
    assert_eq!(m("001").level, Level::Regional);
    assert_eq!(m("001").region.as_deref(), Some("Саратовская область"));
    assert_eq!(m("001").municipality, None);
    assert_eq!(m("001").year, Some(2021));

    assert_eq!(
        m("000").title,
        "Совершенствование системы образования. Проблемы и перспективы развития"
    );
    assert_eq!(m("000").level, Level::Municipal);
    assert_eq!(
        m("000").municipality.as_deref(),
        Some("Ртищевский муниципальный район")
    );
    assert_eq!(m("000").date, date(2021, 8, 30));

    assert_eq!(m("002").level, Level::Municipal);
    assert_eq!(m("002").date, date(2020, 8, 27));
    assert!(
        m("002")
            .title
            .starts_with("Ключевые направления достижения стратегической цели")
    );

    assert_eq!(m("003").kind, DocKind::Order);
    assert_eq!(m("003").level, Level::Regional);
    assert_eq!(m("003").number.as_deref(), Some("1852"));
    assert_eq!(m("003").date, date(2020, 12, 29));
    assert_eq!(
        m("003").title,
        "Об организации работы с общеобразовательными организациями Саратовской области, имеющими низкие образовательные результаты обучающихся, на 2020-2024 годы"
    );

    assert_eq!(m("004").kind, DocKind::Decision);
    assert_eq!(m("004").level, Level::Municipal);
    assert_eq!(m("004").region.as_deref(), Some("Тамбовская область"));
    assert_eq!(m("004").municipality.as_deref(), Some("Сампурский район"));
    assert_eq!(m("004").date, date(2021, 8, 27));
    assert_eq!(
        m("004").title,
        "Образование Сампурского района: управление изменениями и точки роста"
    );
}

fn count(d: &Document, ty: EntryType) -> usize {
    d.entries.iter().filter(|e| e.entry_type == ty).count()
}

/// Counts per document and type.
///
/// - 002 and 004 were counted by hand: 002 has 32 recommendation items (blocks of 3, 4, 3,
///   10, 2, 1, 1, 4, 4; the «Принять меры …:» lead-in is context, not an item) and 10
///   narrative paragraphs (source lines 5–14); 004 has 59 items (1 + 4 + 3 + 7 + 3 + 1 + 8 + 4 + 4 + 3 + 6 +
///   10 + 5) and 7 narrative paragraphs (the «Заслушав …» preamble, 5 programme lines,
///   «В ходе работы …»). Exact.
/// - 003 has exactly 8 directives in the order itself (1.1, 1.2, 2, 3.1, 3.2, 4.1, 4.2, 5);
///   the appendices are provisions, about 240 (±4 %: sentence-level paragraph breaks of the
///   wrapped text are not always recoverable).
/// - 001 has 145 recommendation items over 9 sessions and ~72 narrative paragraphs and list
///   items; 000 (a wrapped, partly garbled copy) 75 and ~47. ±4 % for the wrapped 000 and
///   ±2 % for the clean 001.
#[test]
fn counts_per_document_and_type() {
    type Range = (usize, usize);
    let cases: [(&str, Range, Range, Range); 5] = [
        ("000", (72, 78), (45, 49), (0, 0)),
        ("001", (142, 148), (70, 74), (0, 0)),
        ("002", (32, 32), (10, 10), (0, 0)),
        ("003", (8, 8), (0, 0), (230, 249)),
        ("004", (59, 59), (7, 7), (0, 0)),
    ];
    for (p, rec, find, prov) in cases {
        let d = doc(p);
        let (r, f, v) = (count(d, REC), count(d, FIND), count(d, PROV));
        assert!((rec.0..=rec.1).contains(&r), "{p}: {r} recommendations");
        assert!((find.0..=find.1).contains(&f), "{p}: {f} findings");
        assert!((prov.0..=prov.1).contains(&v), "{p}: {v} provisions");
    }
}

static NUMBERED_ITEM: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"[;.:]\s+\d{1,2}\.(?:\d{1,2}\.)*\s+\p{Lu}").expect("regex"));
static BROKEN_HYPHEN: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\p{Ll}-\s+\p{Ll}").expect("regex"));

#[test]
fn every_entry_is_clean_and_bounded() {
    for d in DOCS.iter() {
        assert!(!d.entries.is_empty(), "{}", d.meta.doc_id);
        for e in &d.entries {
            let t = &e.text;
            assert!(!t.trim().is_empty(), "{}: empty", e.id);
            assert!(
                t.chars().count() <= 2500,
                "{}: {} chars",
                e.id,
                t.chars().count()
            );
            assert!(
                !NUMBERED_ITEM.is_match(t),
                "{}: two numbered items: {t}",
                e.id
            );
            for bad in ['·', '\u{f02d}', '\u{f0b7}', '•'] {
                assert!(!t.contains(bad), "{}: bullet {bad:?} in {t}", e.id);
            }
            assert!(!t.contains("**"), "{}: ** in {t}", e.id);
            assert!(!t.contains("bookmark"), "{}: bookmark in {t}", e.id);
            assert!(
                !BROKEN_HYPHEN.is_match(t),
                "{}: broken hyphenation in {t}",
                e.id
            );
            assert!(!t.contains("  "), "{}: double space in {t}", e.id);
            assert!(!t.ends_with(';'), "{}: trailing ; in {t}", e.id);
            assert!(
                !t.starts_with(['-', '–']),
                "{}: dash bullet left in {t}",
                e.id
            );
        }
    }
}

#[test]
fn every_recommendation_in_an_addressee_block_has_an_addressee() {
    for d in DOCS.iter() {
        for e in &d.entries {
            if e.entry_type == REC && e.block.is_some() {
                assert!(
                    !e.addressees.is_empty(),
                    "{}: no addressee under {:?}",
                    e.id,
                    e.block_title
                );
            }
        }
    }
}

#[test]
fn ids_are_unique_stable_and_positions_ordered() {
    for (d, src) in DOCS.iter().zip(embedded_seeds()) {
        let ids: HashSet<&str> = d.entries.iter().map(|e| e.id.as_str()).collect();
        assert_eq!(
            ids.len(),
            d.entries.len(),
            "{}: duplicate ids",
            d.meta.doc_id
        );
        for (k, e) in d.entries.iter().enumerate() {
            assert_eq!(e.position as usize, k);
            assert!(e.id.starts_with(&format!("{}/s", d.meta.doc_id)));
        }
        let again = parse_source(&src);
        let a: Vec<&str> = again.entries.iter().map(|e| e.id.as_str()).collect();
        let b: Vec<&str> = d.entries.iter().map(|e| e.id.as_str()).collect();
        assert_eq!(a, b, "{}: ids change between runs", d.meta.doc_id);
    }
}

#[test]
fn json_has_exactly_the_contract_fields() {
    let e = &doc("004").entries[0];
    let v = serde_json::to_value(e).expect("serialises");
    let keys: Vec<&str> = v
        .as_object()
        .expect("object")
        .keys()
        .map(String::as_str)
        .collect();
    let mut want = vec![
        "id",
        "doc_id",
        "doc_title",
        "kind",
        "level",
        "region",
        "municipality",
        "date",
        "year",
        "section",
        "topic",
        "entry_type",
        "number",
        "addressees",
        "deadline",
        "deadline_text",
        "responsible",
        "context",
        "text",
    ];
    let mut got = keys.clone();
    got.sort_unstable();
    want.sort_unstable();
    assert_eq!(got, want);
}

/// Renders a clean one-paragraph-per-line text the way PDF extractions look: hard-wrapped
/// at `width` characters, a blank line between lines, ragged trailing spaces, CRLF; with
/// `bullets`, list items (lower-case paragraphs after a `;`/`:` paragraph) get a U+F02D bullet.
fn hard_wrap(text: &str, width: usize, bullets: bool) -> String {
    let mut out = String::new();
    let mut prev_ends_list = false;
    for (k, para) in text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .enumerate()
    {
        let item = para.starts_with(|c: char| c.is_lowercase()) && prev_ends_list;
        prev_ends_list = para.ends_with([';', ':']) || (item && para.ends_with('.'));
        let mut line = String::from(if bullets && item { "\u{f02d} " } else { "" });
        for word in para.split_whitespace() {
            if !line.trim().is_empty() && line.chars().count() + word.chars().count() + 1 > width {
                out.push_str(&line);
                out.push_str(if k % 2 == 0 { " \r\n\r\n" } else { "\r\n\r\n" });
                line.clear();
            }
            if !line.is_empty() && !line.ends_with(' ') {
                line.push(' ');
            }
            line.push_str(word);
        }
        out.push_str(&line);
        out.push_str("\r\n\r\n");
    }
    out
}

fn parse_text(text: String) -> Document {
    parse_source(&edusearch::ingest::SourceFile {
        path: "wrapped.txt".into(),
        doc_id: "wrapped".into(),
        name: "wrapped.txt".into(),
        origin: "wrapped.txt".into(),
        text,
        encoding: "UTF-8",
    })
}

fn recommendations(d: &Document) -> Vec<(Option<String>, String)> {
    d.entries
        .iter()
        .filter(|e| e.entry_type == REC)
        .map(|e| (e.number.clone(), e.text.clone()))
        .collect()
}

/// Seed 001 re-rendered as a bulleted PDF extraction gives exactly the same
/// recommendations (numbers and texts) as the original.
#[test]
fn a_hard_wrapped_bulleted_rendering_gives_the_same_recommendations() {
    let original = recommendations(doc("001"));
    for width in [64, 72, 85] {
        let wrapped = recommendations(&parse_text(hard_wrap(
            edusearch::pipeline::SEEDS[1].1,
            width,
            true,
        )));
        let first_diff = original.iter().zip(&wrapped).position(|(a, b)| a != b);
        assert!(
            first_diff.is_none() && wrapped.len() == original.len(),
            "width {width}: {} vs {} items, first difference: {:?}",
            wrapped.len(),
            original.len(),
            first_diff.map(|i| (&original[i], &wrapped[i]))
        );
    }
}

/// Without bullets a wrapped line that happens to end with `;` inside an item cannot be told
/// from an item end; nearly all items still come out identical.
#[test]
fn a_hard_wrapped_plain_rendering_keeps_nearly_all_recommendations() {
    let original = recommendations(doc("001"));
    let wrapped = recommendations(&parse_text(hard_wrap(
        edusearch::pipeline::SEEDS[1].1,
        72,
        false,
    )));
    let same = original.iter().filter(|r| wrapped.contains(r)).count();
    assert!(
        same * 100 >= original.len() * 95,
        "{same} of {}",
        original.len()
    );
    let (a, b) = (original.len() as f64, wrapped.len() as f64);
    assert!((b - a).abs() / a <= 0.03, "{b} vs {a}");
}

/// A document without recognisable structure degrades to paragraph entries (never one giant
/// entry, never none) and says so in a warning.
#[test]
fn unstructured_text_degrades_to_bounded_paragraph_entries_with_a_warning() {
    let sentence = "Участники обсудили состояние системы образования и отметили рост интереса педагогов к наставничеству в районе. ";
    let mut text = String::new();
    for k in 0..6 {
        text.push_str(&sentence.repeat(3 + k));
        text.push_str("\n\n");
    }
    text.push_str(&sentence.repeat(60)); // one paragraph of about 7 000 characters
    let d = parse_text(text);
    assert!(d.entries.len() >= 7 + 4, "{} entries", d.entries.len());
    assert!(d.entries.iter().all(|e| e.entry_type == FIND));
    assert!(d.entries.iter().all(|e| e.text.chars().count() <= 2500));
    assert!(
        d.warnings.iter().any(|w| w.contains("no sections")),
        "{:?}",
        d.warnings
    );
}

const RTISH_DEPT: &str =
    "Управление общего образования администрации Ртищевского муниципального района";

/// Distinct canonical names of a document's addressees.
fn all_canonicals(d: &Document) -> BTreeSet<&str> {
    d.entries
        .iter()
        .flat_map(|e| &e.addressees)
        .map(|a| a.canonical.as_str())
        .collect()
}

/// 000 misspells the district once («управлению … администрации Ртищевкого муниципального
/// района», 7 entries): the department keeps ONE canonical name, in the spelling the other
/// 36 entries use; `raw` keeps the words as written.
#[test]
fn a_typo_in_a_body_name_gives_no_second_canonical_name() {
    let d = doc("000");
    let departments: BTreeSet<&str> = all_canonicals(d)
        .into_iter()
        .filter(|c| c.starts_with("Управление общего образования"))
        .collect();
    assert_eq!(departments, BTreeSet::from([RTISH_DEPT]));
    let addressed = d
        .entries
        .iter()
        .filter(|e| e.addressees.iter().any(|a| a.canonical == RTISH_DEPT))
        .count();
    assert_eq!(addressed, 43);
    let typo_raws: Vec<_> = d
        .entries
        .iter()
        .flat_map(|e| &e.addressees)
        .filter(|a| a.raw.contains("Ртищевкого"))
        .collect();
    assert_eq!(typo_raws.len(), 7);
    for a in typo_raws {
        assert_eq!(a.canonical, RTISH_DEPT);
        assert_eq!(a.role, Role::MunicipalAuthority);
    }
    for e in &d.entries {
        let names: Vec<&str> = e.addressees.iter().map(|a| a.canonical.as_str()).collect();
        let set: BTreeSet<&str> = names.iter().copied().collect();
        assert_eq!(set.len(), names.len(), "{}: repeated addressee", e.id);
    }
}

/// The distinct canonical names of every seed, as parsed before spellings were unified,
/// except 000's misspelt department: the typo merge changes nothing else.
#[test]
fn distinct_canonical_names_of_every_seed() {
    let expected: [(&str, &[&str]); 5] = [
        (
            "000",
            &[
                RTISH_DEPT,
                "Руководители образовательных организаций",
                "МКУ «МЦОКО»",
                "Руководители дошкольных образовательных организаций",
                "Образовательные организации",
            ],
        ),
        (
            "001",
            &[
                "ГАУ ДПО «СОИРО»",
                "Министерство образования Саратовской области",
                "Руководители органов местного самоуправления, осуществляющих управление в сфере образования",
                "Главы муниципальных районов (городских округов)",
                "Органы местного самоуправления, осуществляющие управление в сфере образования",
                "Руководители образовательных организаций",
                "Муниципальные методические службы",
                "ГАУ СО «РЦОКО»",
                "Руководители муниципальных образовательных организаций",
                "Совет директоров профессиональных образовательных учреждений Саратовской области",
                "Руководители дошкольных образовательных организаций и организаций отдыха детей и их оздоровления",
                "Профессиональные образовательные организации",
            ],
        ),
        (
            "002",
            &[
                RTISH_DEPT,
                "Муниципальный опорный центр",
                "МКУ «МЦОКО»",
                "Руководители образовательных организаций",
                "Руководители общеобразовательных учреждений",
                "Руководители детских дошкольных учреждений",
            ],
        ),
        (
            "003",
            &[
                "ГАУ ДПО «СОИРО»",
                "Региональный координатор",
                "ГАУ СО «РЦОКО»",
                "Органы местного самоуправления, осуществляющие управление в сфере образования",
                "Муниципальные методические службы",
                "Общеобразовательные организации, демонстрирующие высокие образовательные результаты",
                "Отдел правовой работы управления правовой и кадровой работы министерства образования Саратовской области",
                "Отдел аналитической и организационной работы управления развития профессионального образования и организационной работы министерства образования Саратовской области",
                "Общеобразовательные организации, имеющие низкие образовательные результаты",
                "Министерство образования Саратовской области",
                "Руководители органов местного самоуправления, осуществляющих управление в сфере образования",
                "Руководители общеобразовательных организаций",
                "Организации дополнительного образования детей",
                // «Контроль за исполнением настоящего приказа возложить на заместителя министра …»
                "Заместитель министра образования Саратовской области",
            ],
        ),
        (
            "004",
            &[
                "Отдел образования администрации района",
                "Руководители ОУ",
                "МКУ «ИРЦОСО»",
                "Руководитель МБОУ «Сатинская СОШ»",
                "МБОУ ДО «Сампурский детско-юношеский центр»",
                "Руководители организаций дошкольного образования",
                "МБОУ «Сатинская СОШ»",
            ],
        ),
    ];
    for (p, names) in expected {
        let want: BTreeSet<&str> = names.iter().copied().collect();
        assert_eq!(all_canonicals(doc(p)), want, "{p}");
    }
    // No two names left in a document are one typo apart.
    for d in DOCS.iter() {
        let names: Vec<&str> = all_canonicals(d).into_iter().collect();
        for (i, a) in names.iter().enumerate() {
            for b in &names[i + 1..] {
                assert!(
                    !edusearch::enrich::one_typo_apart(a, b),
                    "{}: {a} / {b}",
                    d.meta.doc_id
                );
            }
        }
    }
}

/// Seed 002 with a district written three ways: «Балаковского» (a real district) in most
/// lead-ins, a typo «Балаковкого» in one, and «Балашовского» (another real district, one
/// letter away) in another. The typo joins the district; the other district stays apart.
#[test]
fn typos_merge_in_a_generated_document_but_another_district_stays_apart() {
    const LEAD: &str = "1. Управлению общего образования администрации Ртищевского муниципального района, МКУ «МЦОКО»:";
    let seed = edusearch::pipeline::SEEDS[2].1;
    assert!(seed.contains(LEAD), "seed 002 changed");
    let text = |lead_district: &str| {
        seed.replacen(LEAD, &LEAD.replace("Ртищевского", lead_district), 1)
            .replace("Ртищевского", "Балаковского")
    };
    let dept = |district: &str| RTISH_DEPT.replace("Ртищевского", district);
    let original = all_canonicals(doc("002"));
    let want: BTreeSet<String> = original
        .iter()
        .map(|c| c.replace("Ртищевского", "Балаковского"))
        .collect();

    let typo = parse_text(text("Балаковкого"));
    let got: BTreeSet<String> = all_canonicals(&typo)
        .into_iter()
        .map(str::to_owned)
        .collect();
    assert_eq!(got, want);
    let raws: Vec<_> = typo
        .entries
        .iter()
        .flat_map(|e| &e.addressees)
        .filter(|a| a.raw.contains("Балаковкого"))
        .collect();
    assert!(!raws.is_empty());
    assert!(raws.iter().all(|a| a.canonical == dept("Балаковского")));

    let other = parse_text(text("Балашовского"));
    let got: BTreeSet<String> = all_canonicals(&other)
        .into_iter()
        .map(str::to_owned)
        .collect();
    let mut want_other = want.clone();
    want_other.insert(dept("Балашовского"));
    assert_eq!(got, want_other);
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]

    /// Cleaning and segmenting never panic, and every entry is non-empty and bounded,
    /// whatever the text (mixed Russian words, numbers, bullets, quotes, colons, blank lines).
    #[test]
    fn any_text_parses_into_bounded_entries(parts in proptest::collection::vec(
        proptest::prop_oneof![
            proptest::string::string_regex("[а-яё ]{0,40}").expect("regex"),
            proptest::string::string_regex("[0-9.]{1,6} ").expect("regex"),
            proptest::sample::select(vec![
                "\n", "\n\n", "\r\n", "· ", "- ", "\u{f02d} ", "«", "»", ":", ";", ".", "-\n",
                "Министерству образования области:", "I. Стратегическая сессия «Тема»",
                "По итогам обсуждения участники сессии рекомендуют:", "в срок до 31.12.2021 г.",
                "Приложение № 1", "В функции ГАУ ДПО «СОИРО» входит:", "**", "[bookmark: x]",
            ]).prop_map(str::to_string),
        ],
        0..120,
    )) {
        let d = parse_text(parts.concat());
        for e in &d.entries {
            proptest::prop_assert!(!e.text.trim().is_empty());
            proptest::prop_assert!(e.text.chars().count() <= 2500);
        }
    }
}
