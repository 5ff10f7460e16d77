//! A moment as people read it: "5 minutes ago", with the exact time in the
//! viewer's own time zone on hover. The server does not know the viewer's
//! zone, so the page is rendered with the exact time in UTC (which is what
//! a page without JavaScript keeps); the browser rewrites it once hydrated.

use leptos::prelude::*;
use time::OffsetDateTime;

/// The exact time in UTC, as rendered on the server: "2026-11-30 10:43 UTC".
pub fn utc(at: OffsetDateTime) -> String {
    let at = at.to_offset(time::UtcOffset::UTC);
    format!("{} {:02}:{:02} UTC", at.date(), at.hour(), at.minute())
}

/// How long ago `elapsed_secs` was (or, when negative, how long until
/// then: a key's expiry), in words; a date beyond four weeks.
pub fn relative(elapsed_secs: i64, at: OffsetDateTime) -> String {
    // A clock a little ahead of the server's is "just now" too.
    if (-45..45).contains(&elapsed_secs) {
        return "just now".to_owned();
    }
    let future = elapsed_secs < 0;
    let span = elapsed_secs.abs();
    let plural = |n: i64, unit: &str| match (n, future) {
        (1, false) => format!("1 {unit} ago"),
        (n, false) => format!("{n} {unit}s ago"),
        (1, true) => format!("in 1 {unit}"),
        (n, true) => format!("in {n} {unit}s"),
    };
    match span {
        ..2_700 => plural((span + 30) / 60, "minute"),
        2_700..79_200 => plural((span + 1_800) / 3_600, "hour"),
        79_200..129_600 if future => "tomorrow".to_owned(),
        79_200..129_600 => "yesterday".to_owned(),
        129_600..2_419_200 => plural((span + 43_200) / 86_400, "day"),
        _ => {
            let date = at.date();
            format!(
                "{} {} {}",
                date.day(),
                &date.month().to_string()[..3],
                date.year()
            )
        }
    }
}

/// `<time>` for `at`: relative text and, on hover, the local exact time.
#[component]
pub fn Moment(at: OffsetDateTime) -> impl IntoView {
    let machine = {
        let u = at.to_offset(time::UtcOffset::UTC);
        format!(
            "{}T{:02}:{:02}:{:02}Z",
            u.date(),
            u.hour(),
            u.minute(),
            u.second()
        )
    };
    let text = RwSignal::new(utc(at));
    let exact = RwSignal::new(utc(at));
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        let ms = (at.unix_timestamp_nanos() / 1_000_000) as f64;
        let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms));
        let local: String = date
            .to_locale_string("default", &wasm_bindgen::JsValue::UNDEFINED)
            .into();
        exact.set(local);
        let elapsed = ((js_sys::Date::now() - ms) / 1_000.0) as i64;
        text.set(relative(elapsed, at));
    });
    view! {
        <time datetime=machine title=move || exact.get()>
            {move || text.get()}
        </time>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_like_a_person_would_say_it() {
        // 2026-11-30 10:43 UTC
        let at = OffsetDateTime::from_unix_timestamp(1_796_035_380).unwrap();
        for (secs, said) in [
            (-30, "just now"),
            (10, "just now"),
            (60, "1 minute ago"),
            (5 * 60, "5 minutes ago"),
            (44 * 60, "44 minutes ago"),
            (46 * 60, "1 hour ago"),
            (3 * 3_600, "3 hours ago"),
            (23 * 3_600, "yesterday"),
            (40 * 3_600, "2 days ago"),
            (27 * 86_400, "27 days ago"),
            (40 * 86_400, "30 Nov 2026"),
            (-10 * 60, "in 10 minutes"),
            (-3 * 3_600, "in 3 hours"),
            (-24 * 3_600, "tomorrow"),
            (-20 * 86_400 + 3_600, "in 20 days"),
            (-90 * 86_400, "30 Nov 2026"),
        ] {
            assert_eq!(relative(secs, at), said, "{secs} s");
        }
        assert_eq!(utc(at), "2026-11-30 10:43 UTC");
    }
}
