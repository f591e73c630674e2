//! The string forms of OData's primitive types (OData ABNF, section 7 of the URL conventions and
//! the JSON format), as JSON Schema `format` checks: `edm-guid`, `edm-date`,
//! `edm-date-time-offset`, `edm-time-of-day`, `edm-duration` and `edm-binary`; and for OData V2
//! and V3, `edm-date-time` (`/Date(1700000000000)/` or `2024-05-31T13:45:00`), `edm-time` (a
//! duration) and `edm-base64` (standard base64).
//!
//! Written by hand: the standard `date-time`, `uuid` and `duration` formats are close but not the
//! same (OData allows `2024-01-01T10:00Z` without seconds, up to 12 fractional digits, and
//! `-P1D`; Edm.Binary is base64url), and each check is a few lines.

/// A format check on a string.
pub type Check = fn(&str) -> bool;

/// (format name, the Edm type it checks, an example of a valid value, the check).
pub const FORMATS: &[(&str, &str, &str, Check)] = &[
    (
        "edm-guid",
        "Edm.Guid",
        "01234567-89ab-cdef-0123-456789abcdef",
        guid,
    ),
    ("edm-date", "Edm.Date", "2024-05-31", date),
    (
        "edm-date-time-offset",
        "Edm.DateTimeOffset",
        "2024-05-31T13:45:00Z",
        date_time_offset,
    ),
    ("edm-time-of-day", "Edm.TimeOfDay", "13:45:00", time_of_day),
    ("edm-duration", "Edm.Duration", "P1DT2H30M", duration),
    ("edm-binary", "Edm.Binary", "aGVsbG8", binary),
    (
        "edm-date-time",
        "Edm.DateTime",
        "/Date(1717163100000)/",
        date_time,
    ),
    ("edm-time", "Edm.Time", "PT13H45M", duration),
    ("edm-base64", "Edm.Binary", "aGVsbG8=", base64),
];

/// The Edm type and an example for a format name.
pub fn describe(format: &str) -> Option<(&'static str, &'static str)> {
    FORMATS
        .iter()
        .find(|(name, ..)| *name == format)
        .map(|(_, ty, example, _)| (*ty, *example))
}

fn digits(s: &str, n: usize) -> Option<u32> {
    (s.len() == n && s.bytes().all(|b| b.is_ascii_digit())).then(|| s.parse().ok())?
}

pub fn guid(s: &str) -> bool {
    let groups: Vec<&str> = s.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(g, n)| g.len() == n && g.bytes().all(|b| b.is_ascii_hexdigit()))
}

pub fn date(s: &str) -> bool {
    // year: 4+ digits, optional leading '-' (OData allows negative years); month; day.
    let s = s.strip_prefix('-').unwrap_or(s);
    let mut parts = s.rsplitn(3, '-');
    let (Some(day), Some(month), Some(year)) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    let year_ok = year.len() >= 4 && year.bytes().all(|b| b.is_ascii_digit());
    let (Some(month), Some(day)) = (digits(month, 2), digits(day, 2)) else {
        return false;
    };
    if !year_ok || !(1..=12).contains(&month) {
        return false;
    }
    let y: i64 = year.parse().unwrap_or(0);
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    (1..=days).contains(&day)
}

/// `hh:mm[:ss[.fffffffffff]]`
pub fn time_of_day(s: &str) -> bool {
    let mut parts = s.splitn(3, ':');
    let (Some(h), Some(m)) = (parts.next(), parts.next()) else {
        return false;
    };
    let (Some(h), Some(m)) = (digits(h, 2), digits(m, 2)) else {
        return false;
    };
    if h > 23 || m > 59 {
        return false;
    }
    match parts.next() {
        None => true,
        Some(sec) => {
            let (whole, frac) = match sec.split_once('.') {
                Some((w, f)) => (w, Some(f)),
                None => (sec, None),
            };
            digits(whole, 2).is_some_and(|v| v <= 59)
                && frac.is_none_or(|f| {
                    (1..=12).contains(&f.len()) && f.bytes().all(|b| b.is_ascii_digit())
                })
        }
    }
}

/// `date "T" time-of-day ("Z" / sign hh ":" mm)`
pub fn date_time_offset(s: &str) -> bool {
    let Some((d, rest)) = s.split_once(['T', 't']) else {
        return false;
    };
    let (time, zone_ok) = if let Some(t) = rest.strip_suffix(['Z', 'z']) {
        (t, true)
    } else if let Some(i) = rest.rfind(['+', '-']) {
        let zone = &rest[i + 1..];
        let ok = zone.len() == 5
            && zone.as_bytes()[2] == b':'
            && digits(&zone[..2], 2).is_some_and(|h| h <= 23)
            && digits(&zone[3..], 2).is_some_and(|m| m <= 59);
        (&rest[..i], ok)
    } else {
        return false;
    };
    zone_ok && date(d) && time_of_day(time)
}

/// `[-]P[nD][T[nH][nM][n[.n]S]]`, at least one component.
pub fn duration(s: &str) -> bool {
    let s = s.strip_prefix('-').unwrap_or(s);
    let Some(s) = s.strip_prefix('P') else {
        return false;
    };
    let (days, time) = match s.split_once('T') {
        Some((d, t)) => (d, Some(t)),
        None => (s, None),
    };
    let mut any = false;
    if !days.is_empty() {
        let Some(n) = days.strip_suffix('D') else {
            return false;
        };
        if n.is_empty() || !n.bytes().all(|b| b.is_ascii_digit()) {
            return false;
        }
        any = true;
    }
    if let Some(mut t) = time {
        if t.is_empty() {
            return false;
        }
        for unit in ['H', 'M', 'S'] {
            if let Some(i) = t.find(unit) {
                let n = &t[..i];
                let ok = if unit == 'S' {
                    let (w, f) = n.split_once('.').unwrap_or((n, "0"));
                    !w.is_empty()
                        && w.bytes().all(|b| b.is_ascii_digit())
                        && !f.is_empty()
                        && f.bytes().all(|b| b.is_ascii_digit())
                } else {
                    !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit())
                };
                if !ok {
                    return false;
                }
                t = &t[i + 1..];
                any = true;
            }
        }
        if !t.is_empty() {
            return false;
        }
    }
    any
}

/// base64url (RFC 4648 section 5), padding optional. Standard base64's `+` and `/` are refused:
/// OData's JSON format asks for base64url.
pub fn binary(s: &str) -> bool {
    use base64::engine::general_purpose::{URL_SAFE, URL_SAFE_NO_PAD};
    use base64::Engine;
    if s.contains('=') {
        URL_SAFE.decode(s).is_ok()
    } else {
        URL_SAFE_NO_PAD.decode(s).is_ok()
    }
}

/// OData V2/V3 `Edm.DateTime`: the JSON verbose form `/Date(milliseconds)/`, optionally with
/// an offset in minutes (`/Date(1717163100000+0120)/`), or the ISO form of V3's JSON light,
/// `date "T" time-of-day` with an optional zone.
pub fn date_time(s: &str) -> bool {
    if let Some(inner) = s.strip_prefix("/Date(").and_then(|r| r.strip_suffix(")/")) {
        // A sign after the first character starts the offset.
        let (ms, offset) = match inner.get(1..).and_then(|r| r.find(['+', '-'])) {
            Some(i) => (&inner[..=i], Some(&inner[i + 2..])),
            None => (inner, None),
        };
        let ms = ms.strip_prefix('-').unwrap_or(ms);
        return !ms.is_empty()
            && ms.len() <= 16
            && ms.bytes().all(|b| b.is_ascii_digit())
            && offset.is_none_or(|o| digits(o, 4).is_some());
    }
    let Some((d, time)) = s.split_once(['T', 't']) else {
        return false;
    };
    let zoned = time.ends_with(['Z', 'z']) || time.rfind(['+', '-']).is_some();
    date(d) && (time_of_day(time) || (zoned && date_time_offset(s)))
}

/// Standard base64 (RFC 4648 section 4), as OData V2 and V3 write binary values; padding
/// optional.
pub fn base64(s: &str) -> bool {
    use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD};
    use base64::Engine;
    if s.contains('=') {
        STANDARD.decode(s).is_ok()
    } else {
        STANDARD_NO_PAD.decode(s).is_ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_format_accepts_valid_and_refuses_invalid_values() {
        let cases: &[(Check, &[&str], &[&str])] = &[
            (
                guid,
                &["01234567-89ab-cdef-0123-456789ABCDEF"],
                &[
                    "",
                    "0123456789abcdef0123456789abcdef",
                    "01234567-89ab-cdef-0123-456789abcdeg",
                    "{01234567-89ab-cdef-0123-456789abcdef}",
                ],
            ),
            (
                date,
                &["2024-05-31", "2024-02-29", "-0001-01-01", "12024-01-01"],
                &[
                    "2023-02-29",
                    "2024-13-01",
                    "2024-5-31",
                    "24-05-31",
                    "2024-05-31T00:00:00Z",
                ],
            ),
            (
                date_time_offset,
                &[
                    "2024-05-31T13:45:00Z",
                    "2024-05-31T13:45Z",
                    "2024-05-31T13:45:00.1234567+02:00",
                    "2024-05-31T13:45:00-08:00",
                ],
                &[
                    "2024-05-31",
                    "2024-05-31T13:45:00",
                    "2024-05-31 13:45:00Z",
                    "2024-05-31T25:00:00Z",
                    "2024-05-31T13:45:00+2:00",
                ],
            ),
            (
                time_of_day,
                &["13:45", "13:45:00", "23:59:59.999999999999"],
                &[
                    "24:00",
                    "1:00",
                    "13:60",
                    "13:45:00.",
                    "13:45:00.1234567890123",
                ],
            ),
            (
                duration,
                &["P1D", "PT2H", "P1DT2H30M5.5S", "-PT0S", "PT90M"],
                &["P", "PT", "1D", "P1H", "PT1.S", "P1Y", "P1DT"],
            ),
            (
                binary,
                &["", "aGVsbG8", "aGVsbG8=", "-_8"],
                &["aGVsbG8==", "a+b/", "!!!"],
            ),
            (
                date_time,
                &[
                    "/Date(1717163100000)/",
                    "/Date(-1000)/",
                    "/Date(1717163100000+0120)/",
                    "/Date(1717163100000-0300)/",
                    "2024-05-31T13:45:00",
                    "2024-05-31T13:45",
                    "2024-05-31T13:45:00.123Z",
                    "2024-05-31T13:45:00+02:00",
                ],
                &[
                    "/Date()/",
                    "/Date(12a)/",
                    "/Date(1+12)/",
                    "Date(1)",
                    "2024-05-31",
                    "2024-02-30T00:00:00",
                    "2024-05-31 13:45:00",
                ],
            ),
            (
                base64,
                &["", "aGVsbG8=", "aGVsbG8", "a+b/"],
                &["-_8", "!!!", "aGVsbG8=="],
            ),
        ];
        for (check, good, bad) in cases {
            for v in *good {
                assert!(check(v), "should accept {v:?}");
            }
            for v in *bad {
                assert!(!check(v), "should refuse {v:?}");
            }
        }
    }

    #[test]
    fn every_format_is_described() {
        for (name, ty, example, check) in FORMATS {
            assert!(check(example), "{name}: example {example:?}");
            assert_eq!(describe(name).unwrap().0, *ty);
        }
    }
}
