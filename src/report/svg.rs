//! The timeline as SVG, made here with no runtime dependency: a lane per action on an asset, a
//! row per party, solid bars where it certainly may, hatched where it only possibly may, dashed
//! red where it holds a right but is blocked; events and terminations as markers above the
//! rows, the as-of day as a line, years (and quarters on short spans) on the axis. Stable ids
//! and no timestamps, so the picture can be snapshot-tested.

use super::escape::escape_markup as escape;
use crate::eval::chart::{Chart, MarkerKind};
use crate::eval::logic::Verdict;
use crate::model::time::{Day, Interval};
use std::fmt::Write;

const WIDTH: f64 = 960.0;
const LABEL: f64 = 200.0;
const RIGHT: f64 = 24.0;
const ROW: f64 = 22.0;
const BAR: f64 = 12.0;
const AXIS: f64 = 28.0;
/// Marker labels stack in this many lines before they are left out (the title keeps them all).
const MARKER_LINES: usize = 3;
const MARKER_LINE: f64 = 14.0;

/// The chart as a standalone SVG document.
pub fn to_svg(chart: &Chart) -> String {
    let scale = Scale::new(chart.span);
    let mut body = String::new();
    let mut y = AXIS + 8.0;
    let mut summary = Vec::new();
    for (lane_index, lane) in chart.lanes.iter().enumerate() {
        let title = format!("{} {}.{}", lane.action, lane.owner, lane.asset);
        let _ = writeln!(
            body,
            r#"<g id="lane-{lane_index}"><text class="lane" x="8" y="{:.1}">{}</text>"#,
            y + 14.0,
            escape(&title)
        );
        y += 22.0;
        // Marker labels, stacked where they would collide.
        let mut lines: Vec<Vec<(f64, f64)>> = vec![Vec::new(); MARKER_LINES];
        let markers_top = y;
        let mut used_lines = 0;
        for marker in &lane.markers {
            let (x0, x1) = (
                scale.x(marker.days.lo),
                scale.x(marker.days.hi.min(chart.span.end)),
            );
            let text_width = marker.label.chars().count() as f64 * 6.2 + 8.0;
            let Some(line) = lines
                .iter()
                .position(|taken| taken.iter().all(|&(a, b)| x0 + text_width < a || x0 > b))
            else {
                continue;
            };
            if let Some(taken) = lines.get_mut(line) {
                taken.push((x0, x0 + text_width));
            }
            used_lines = used_lines.max(line + 1);
            let ty = markers_top + MARKER_LINE * (line as f64 + 1.0) - 3.0;
            let class = match marker.kind {
                MarkerKind::Event => "event",
                MarkerKind::Termination => "termination",
            };
            let when = if marker.days.is_exact() {
                marker.days.lo.to_string()
            } else {
                format!("{} .. {}", marker.days.lo, marker.days.hi)
            };
            let _ = writeln!(
                body,
                r#"<g class="{class}"><title>{}: {}</title><rect x="{x0:.1}" y="{:.1}" width="{:.1}" height="3"/><text x="{x0:.1}" y="{ty:.1}">{}</text></g>"#,
                escape(&marker.label),
                escape(&when),
                ty + 2.0,
                (x1 - x0).max(2.0),
                escape(&marker.label)
            );
        }
        y = markers_top + MARKER_LINE * used_lines as f64 + 4.0;
        for row in &lane.rows {
            let holds = if row.holds.is_empty() {
                String::new()
            } else {
                format!(" ({})", row.holds.join(", "))
            };
            let _ = writeln!(
                body,
                r#"<text class="party" x="{:.1}" y="{:.1}">{}</text>"#,
                LABEL - 8.0,
                y + ROW / 2.0 + 4.0,
                escape(&format!("{}{holds}", row.party))
            );
            let top = y + (ROW - BAR) / 2.0;
            for (days, verdict) in &row.days {
                let Some((x0, x1, open)) = scale.bar(*days) else {
                    continue;
                };
                let (class, word) = match verdict {
                    Verdict::Yes => ("yes", "certainly"),
                    _ => ("maybe", "possibly"),
                };
                let _ = writeln!(
                    body,
                    r#"<rect class="{class}" x="{x0:.1}" y="{top:.1}" width="{:.1}" height="{BAR}"><title>{} may {word}: {}</title></rect>"#,
                    (x1 - x0).max(1.0),
                    escape(&row.party),
                    days
                );
                if open {
                    let _ = writeln!(
                        body,
                        r#"<path class="open" d="M{x1:.1},{:.1} l6,{:.1} l-6,{:.1} z"/>"#,
                        top,
                        BAR / 2.0,
                        BAR / 2.0
                    );
                }
                summary.push(format!("{} may {word} {} on {}", row.party, title, days));
            }
            for days in &row.blocked {
                let Some((x0, x1, _)) = scale.bar(*days) else {
                    continue;
                };
                let _ = writeln!(
                    body,
                    r#"<rect class="blocked" x="{x0:.1}" y="{:.1}" width="{:.1}" height="4"><title>{} is blocked: {}</title></rect>"#,
                    top + BAR + 1.0,
                    (x1 - x0).max(1.0),
                    escape(&row.party),
                    days
                );
            }
            y += ROW;
        }
        body.push_str("</g>\n");
        y += 10.0;
    }
    let height = y + AXIS;
    let mut out = String::new();
    let description = if summary.is_empty() {
        "No party may act on any asset in these days.".to_string()
    } else {
        summary.join("; ")
    };
    let _ = writeln!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height:.0}" viewBox="0 0 {WIDTH} {height:.0}" role="img" aria-labelledby="timeline-title timeline-desc" font-family="system-ui, sans-serif" font-size="12">"#
    );
    let _ = writeln!(
        out,
        r#"<title id="timeline-title">Who may act, when ({} .. {}; as of {})</title>"#,
        chart.span.start, chart.span.end, chart.as_of
    );
    let _ = writeln!(
        out,
        r#"<desc id="timeline-desc">{}</desc>"#,
        escape(&description)
    );
    out.push_str(STYLE);
    // The axis: grid lines and labels at the top and the bottom.
    for (day, label, major) in scale.ticks() {
        let x = scale.x(day);
        let class = if major { "grid" } else { "grid minor" };
        let _ = writeln!(
            out,
            r#"<line class="{class}" x1="{x:.1}" y1="{AXIS}" x2="{x:.1}" y2="{:.1}"/>"#,
            height - AXIS
        );
        if let Some(label) = label {
            let _ = writeln!(
                out,
                r#"<text class="tick" x="{x:.1}" y="{:.1}">{label}</text><text class="tick" x="{x:.1}" y="{:.1}">{label}</text>"#,
                AXIS - 8.0,
                height - 10.0
            );
        }
    }
    out.push_str(&body);
    let x = scale.x(chart.as_of);
    let _ = writeln!(
        out,
        r#"<g id="as-of"><line x1="{x:.1}" y1="{:.1}" x2="{x:.1}" y2="{:.1}"/><text x="{:.1}" y="{:.1}">as of {}</text></g>"#,
        AXIS - 4.0,
        height - AXIS + 4.0,
        x + 3.0,
        AXIS + 6.0,
        chart.as_of
    );
    out.push_str("</svg>\n");
    out
}

const STYLE: &str = r##"<defs><pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="#bee3f8"/><line x1="0" y1="0" x2="0" y2="6" stroke="#2b6cb0" stroke-width="2"/></pattern></defs>
<style>
.lane{font-weight:600;fill:#1a202c}.party{text-anchor:end;fill:#2d3748}.tick{text-anchor:middle;fill:#4a5568}
.grid{stroke:#cbd5e0;stroke-width:1}.minor{stroke:#edf2f7}
.yes{fill:#2b6cb0}.maybe{fill:url(#hatch);stroke:#2b6cb0;stroke-width:1}.open{fill:#2b6cb0}
.blocked{fill:none;stroke:#c53030;stroke-width:1.5;stroke-dasharray:3 2}
.event rect{fill:#805ad5}.event text{fill:#553c9a}.termination rect{fill:#c53030}.termination text{fill:#9b2c2c}
#as-of line{stroke:#dd6b20;stroke-width:1.5;stroke-dasharray:4 3}#as-of text{fill:#c05621}
@media (prefers-color-scheme: dark){.lane{fill:#f7fafc}.party,.tick{fill:#cbd5e0}.grid{stroke:#4a5568}.minor{stroke:#2d3748}}
</style>
"##;

/// Days to x positions over the chart's span.
struct Scale {
    span: Interval,
    per_day: f64,
}

impl Scale {
    fn new(span: Interval) -> Scale {
        let days = f64::from((span.end.0 - span.start.0).max(1));
        Scale {
            span,
            per_day: (WIDTH - LABEL - RIGHT) / days,
        }
    }

    fn x(&self, day: Day) -> f64 {
        let day = day.max(self.span.start).min(self.span.end);
        LABEL + f64::from(day.0 - self.span.start.0) * self.per_day
    }

    /// A bar's ends, and whether it runs on past the span (drawn with an arrow).
    fn bar(&self, days: Interval) -> Option<(f64, f64, bool)> {
        let shown = days.intersect(self.span);
        if shown.is_empty() {
            return None;
        }
        let open = days.end > self.span.end;
        Some((
            self.x(shown.start),
            self.x(shown.end.succ().min(self.span.end)),
            open,
        ))
    }

    /// Year lines (labelled, every fifth or tenth on long spans), and quarters on short ones.
    fn ticks(&self) -> Vec<(Day, Option<String>, bool)> {
        let year_of = |d: Day| d.to_string().get(..4).and_then(|y| y.parse::<i32>().ok());
        let (Some(first), Some(last)) = (year_of(self.span.start), year_of(self.span.end)) else {
            return Vec::new();
        };
        let years = last - first;
        let every = match years {
            ..=15 => 1,
            16..=40 => 5,
            _ => 10,
        };
        let mut ticks = Vec::new();
        for year in first..=last + 1 {
            let Some(day) = Day::from_ymd(year, 1, 1) else {
                continue;
            };
            if !self.span.contains(day) {
                continue;
            }
            let label = (year % every == 0).then(|| year.to_string());
            ticks.push((day, label, true));
            if years <= 4 {
                for month in [4, 7, 10] {
                    if let Some(q) =
                        Day::from_ymd(year, month, 1).filter(|d| self.span.contains(*d))
                    {
                        ticks.push((q, None, false));
                    }
                }
            }
        }
        ticks
    }
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn text_is_escaped_for_xml() {
        assert_eq!(
            escape("A & <B> \"c\" 'd'\u{1b}"),
            "A &amp; &lt;B&gt; &quot;c&quot; &#39;d&#39;"
        );
    }
}
