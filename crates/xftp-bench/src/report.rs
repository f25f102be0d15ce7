//! Figures of one run, their medians over several runs, and the text and JSON output.

use serde_json::{Map, Value, json};

/// Named figures of one run, in print order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Figures(pub Vec<(&'static str, f64)>);

impl Figures {
    /// Adds a figure.
    pub fn push(&mut self, name: &'static str, value: f64) {
        self.0.push((name, value));
    }

    /// The value of a figure, if present.
    pub fn get(&self, name: &str) -> Option<f64> {
        self.0.iter().find(|(n, _)| *n == name).map(|(_, v)| *v)
    }

    /// `name=value` pairs on one line, 3 decimals.
    pub fn line(&self) -> String {
        let parts: Vec<String> = self
            .0
            .iter()
            .map(|(n, v)| format!("{n}={}", rounded(*v)))
            .collect();
        parts.join(" ")
    }

    /// The figures as a JSON object.
    pub fn to_json(&self) -> Value {
        let m: Map<String, Value> = self
            .0
            .iter()
            .map(|(n, v)| ((*n).to_owned(), json!(rounded(*v))))
            .collect();
        Value::Object(m)
    }
}

fn rounded(v: f64) -> f64 {
    (v * 1000.0).round() / 1000.0
}

/// The middle value (mean of the two middle ones for an even count), ignoring NaN;
/// `None` when nothing is left.
pub fn median(values: &[f64]) -> Option<f64> {
    let mut v: Vec<f64> = values.iter().copied().filter(|x| !x.is_nan()).collect();
    v.sort_by(f64::total_cmp);
    let mid = v.len() / 2;
    match v.len() {
        0 => None,
        n if n % 2 == 1 => Some(v[mid]),
        _ => Some((v[mid - 1] + v[mid]) / 2.0),
    }
}

/// For each figure of the first run, its median over all runs.
pub fn medians(runs: &[Figures]) -> Figures {
    let Some(first) = runs.first() else {
        return Figures::default();
    };
    let out = first.0.iter().filter_map(|(name, _)| {
        let values: Vec<f64> = runs.iter().filter_map(|r| r.get(name)).collect();
        median(&values).map(|m| (*name, m))
    });
    Figures(out.collect())
}

/// The JSON document of a command: parameters, every run and the medians.
pub fn document(command: &str, params: Value, runs: &[Figures]) -> Value {
    json!({
        "command": command,
        "params": params,
        "runs": runs.iter().map(Figures::to_json).collect::<Vec<_>>(),
        "median": medians(runs).to_json(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_odd_even_empty_nan() {
        assert_eq!(median(&[5.0, 1.0, 3.0]), Some(3.0));
        assert_eq!(median(&[4.0, 2.0, 1.0, 3.0]), Some(2.5));
        assert_eq!(median(&[]), None);
        assert_eq!(median(&[f64::NAN, 7.0]), Some(7.0));
    }

    #[test]
    fn medians_per_figure_and_document() {
        let run = |a: f64, b: f64| Figures(vec![("mb_s", a), ("ratio", b)]);
        let runs = [run(10.0, 0.5), run(30.0, 0.1), run(20.0, 0.3)];
        let m = medians(&runs);
        assert_eq!(m, run(20.0, 0.3));
        assert_eq!(m.line(), "mb_s=20 ratio=0.3");
        let doc = document("upload", json!({"size_mb": 64}), &runs);
        assert_eq!(doc["median"]["mb_s"], json!(20.0));
        assert_eq!(doc["runs"][1]["ratio"], json!(0.1));
        assert_eq!(doc["params"]["size_mb"], json!(64));
    }
}
