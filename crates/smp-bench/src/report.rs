//! What a measurement returns, and the median over repeated runs.

use serde_json::{Map, Value, json};

/// The result of one run of a measurement.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// One human-readable line.
    pub summary: String,
    /// Named figures, in print order (medians are taken over these).
    pub metrics: Vec<(String, f64)>,
}

impl Report {
    /// A report with this summary line and no figures yet.
    pub fn new(summary: impl Into<String>) -> Self {
        Report {
            summary: summary.into(),
            metrics: Vec::new(),
        }
    }

    /// Adds a figure.
    pub fn metric(mut self, name: &str, value: f64) -> Self {
        self.metrics.push((name.to_owned(), value));
        self
    }

    /// The figures as a JSON object.
    pub fn json(&self) -> Value {
        let mut m = Map::new();
        m.insert("summary".into(), Value::String(self.summary.clone()));
        for (k, v) in &self.metrics {
            m.insert(k.clone(), json!(round3(*v)));
        }
        Value::Object(m)
    }
}

/// Rounds to 3 decimals for printing.
fn round3(v: f64) -> f64 {
    (v * 1000.0).round() / 1000.0
}

/// The median of `values` (the mean of the middle two for an even count); 0 when empty.
pub fn median(values: &[f64]) -> f64 {
    let mut v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
    if v.is_empty() {
        return 0.0;
    }
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

/// The per-figure medians over several runs (figures named as in the first run).
pub fn medians(runs: &[Report]) -> Vec<(String, f64)> {
    let Some(first) = runs.first() else {
        return Vec::new();
    };
    first
        .metrics
        .iter()
        .map(|(name, _)| {
            let vals: Vec<f64> = runs
                .iter()
                .filter_map(|r| r.metrics.iter().find(|(n, _)| n == name).map(|(_, v)| *v))
                .collect();
            (name.clone(), median(&vals))
        })
        .collect()
}

/// `name=value` pairs on one line.
pub fn metrics_line(metrics: &[(String, f64)]) -> String {
    metrics
        .iter()
        .map(|(k, v)| format!("{k}={}", round3(*v)))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The JSON document of a command: its parameters, every run and the medians.
pub fn document(command: &str, params: Value, runs: &[Report]) -> Value {
    let med: Map<String, Value> = medians(runs)
        .into_iter()
        .map(|(k, v)| (k, json!(round3(v))))
        .collect();
    json!({
        "command": command,
        "params": params,
        "runs": runs.iter().map(Report::json).collect::<Vec<_>>(),
        "median": Value::Object(med),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_of_odd_even_and_empty() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&[4.0, 1.0, 3.0, 2.0]), 2.5);
        assert_eq!(median(&[]), 0.0);
        assert_eq!(median(&[f64::NAN, 5.0]), 5.0);
    }

    #[test]
    fn medians_follow_first_run_names() {
        let runs = vec![
            Report::new("a").metric("x", 1.0).metric("y", 10.0),
            Report::new("b").metric("x", 3.0).metric("y", 30.0),
            Report::new("c").metric("x", 2.0).metric("y", 20.0),
        ];
        assert_eq!(
            medians(&runs),
            vec![("x".to_owned(), 2.0), ("y".to_owned(), 20.0)]
        );
        let doc = document("t", json!({"n": 1}), &runs);
        assert_eq!(doc["median"]["y"], json!(20.0));
        assert_eq!(doc["runs"].as_array().map(Vec::len), Some(3));
        assert_eq!(metrics_line(&medians(&runs)), "x=2 y=20");
    }
}
