//! The one timestamp parser: never a panic; what it accepts formats in
//! UTC and reads back to the same instant (to the second); deadlines from
//! it never panic and never come before their anchor.
#![no_main]

use hocr::data::time::{Calendar, Clock, Instant, Span, deadline};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    for clock in [
        Clock::default(),
        Clock::new(chrono_tz::UTC),
        Clock::new(chrono_tz::America::New_York),
    ] {
        let Ok((t, _fold)) = clock.parse(text) else {
            continue;
        };
        let written = t.format_utc();
        let (back, _) = clock
            .parse(&written)
            .unwrap_or_else(|e| panic!("{written:?} (from {text:?}) does not read back: {e}"));
        assert_eq!(
            back.0,
            t.0.div_euclid(1_000_000) * 1_000_000,
            "{text:?} -> {written}"
        );
        let calendar = Calendar::default();
        for span in [Span::Micros(24 * 3_600_000_000), Span::WorkingDays(5)] {
            if let Some(d) = deadline(t, span, &clock, &calendar) {
                assert!(d.at >= t, "{text:?}: deadline {} before {}", d.at, t);
            }
        }
        let _ = Instant(t.0).plus_micros(i64::MAX);
    }
});
