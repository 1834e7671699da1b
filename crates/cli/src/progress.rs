//! Progress of long work. On a terminal: indicatif, redrawn in place (an overall spinner with
//! a clock, a row per service with its step and its own clock, a bar with bytes for each
//! image pulled). Anywhere else (a file, a pipe, a CI log): plain lines, one per change, no
//! escape codes.

use std::{collections::HashMap, io::IsTerminal, time::Duration};

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};

/// The progress of one piece of work (a start, a stop, a down).
pub struct Progress {
    /// What is being done ("Starting dev (Development)").
    what: String,
    /// Drawn on a terminal; `None`: plain lines.
    bars: Option<Bars>,
    /// When each row last printed a plain line of [`Progress::tick`].
    ticked: HashMap<String, std::time::Instant>,
}

struct Bars {
    multi: MultiProgress,
    overall: ProgressBar,
    rows: HashMap<String, ProgressBar>,
}

fn style(template: &str) -> ProgressStyle {
    ProgressStyle::with_template(template).unwrap_or_else(|_| ProgressStyle::default_spinner()).tick_chars("⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏ ")
}

/// A service's row while it works: its name, its step, its own clock.
const ROW: &str = "  {spinner:.cyan} {prefix:<20} {msg} {elapsed:.dim}";
/// A service's row while its image is pulled.
const PULL: &str = "  {spinner:.cyan} {prefix:<20} [{bar:24.cyan/blue}] {bytes}/{total_bytes} ({percent} %)";
/// A row that is done.
const DONE: &str = "  {prefix:<20} {msg}";

impl Progress {
    /// Progress drawn in place on a terminal, else plain lines.
    pub fn new() -> Self {
        if !std::io::stdout().is_terminal() {
            return Self { what: String::new(), bars: None, ticked: HashMap::new() };
        }
        let multi = MultiProgress::with_draw_target(ProgressDrawTarget::stdout());
        let overall = multi.add(ProgressBar::new_spinner().with_style(style("{spinner:.cyan} {msg} {elapsed_precise:.dim}")));
        overall.enable_steady_tick(Duration::from_millis(100));
        Self { what: String::new(), bars: Some(Bars { multi, overall, rows: HashMap::new() }), ticked: HashMap::new() }
    }

    /// What is being done now ("Checking dev (Development)"): the overall line on a
    /// terminal, a line `what…` elsewhere.
    pub fn phase(&mut self, what: &str) {
        self.what = what.to_owned();
        match &self.bars {
            Some(bars) => bars.overall.set_message(format!("{what}…")),
            None => outln!("{what}…"),
        }
    }

    /// Whether it is drawn in place (a terminal).
    pub fn drawn(&self) -> bool {
        self.bars.is_some()
    }

    /// A line that stays: above the bars on a terminal.
    pub fn line(&self, text: &str) {
        match &self.bars {
            Some(bars) => {
                let _ = bars.multi.println(text);
            }
            None => outln!("{text}"),
        }
    }

    /// How far the whole is ("2/5 ready"), beside what is being done; on a terminal only
    /// (the plain lines say it themselves).
    pub fn status(&self, text: &str) {
        if let Some(bars) = &self.bars {
            bars.overall.set_message(format!("{} · {text}", self.what));
        }
    }

    /// The row of `service`, made when first needed.
    fn row(bars: &mut Bars, service: &str) -> ProgressBar {
        bars.rows
            .entry(service.to_owned())
            .or_insert_with(|| {
                let row = bars.multi.add(ProgressBar::new_spinner().with_style(style(ROW)).with_prefix(service.to_owned()));
                row.enable_steady_tick(Duration::from_millis(100));
                row
            })
            .clone()
    }

    /// `service` is at `step` ("creating", "starting (health: starting)").
    pub fn step(&mut self, service: &str, step: &str) {
        match &mut self.bars {
            Some(bars) => {
                let row = Self::row(bars, service);
                row.set_style(style(ROW));
                row.set_message(step.to_owned());
            }
            None => outln!("  {service:<20} {step}"),
        }
    }

    /// [`Progress::step`] for a count that moves all the time (bytes copied): redrawn on a
    /// terminal, a plain line at most every 5 s per row elsewhere.
    pub fn tick(&mut self, service: &str, step: &str) {
        if self.bars.is_none() {
            let now = std::time::Instant::now();
            if self.ticked.get(service).is_some_and(|last| now.duration_since(*last) < Duration::from_secs(5)) {
                return;
            }
            self.ticked.insert(service.to_owned(), now);
        }
        self.step(service, step);
    }

    /// `service`'s image: `current` of `total` bytes. On a terminal a bar; the caller prints
    /// its own lines elsewhere (a line each tenth is enough in a log).
    pub fn pull(&mut self, service: &str, current: u64, total: u64) {
        if let Some(bars) = &mut self.bars {
            let row = Self::row(bars, service);
            row.set_style(style(PULL));
            row.set_length(total.max(1));
            row.set_position(current.min(total));
        }
    }

    /// `service` is done: its row keeps `message` and stops its clock.
    pub fn done(&mut self, service: &str, message: &str) {
        match &mut self.bars {
            Some(bars) => {
                let row = Self::row(bars, service);
                row.set_style(style(DONE));
                row.finish_with_message(message.to_owned());
            }
            None => outln!("  {service:<20} {message}"),
        }
    }

    /// Ends the drawing: the rows stay as they are, the overall line says `outcome` and how
    /// long it took. Plain output gets nothing more (the caller prints its summary).
    pub fn finish(self, outcome: &str) {
        if let Some(bars) = self.bars {
            for row in bars.rows.values() {
                if !row.is_finished() {
                    row.abandon();
                }
            }
            let took = bars.overall.elapsed();
            bars.overall.set_style(style("{msg}"));
            bars.overall.finish_with_message(format!("{} · {outcome} in {:.1} s", self.what, took.as_secs_f64()));
            drop(bars);
            outln!(); // indicatif leaves the cursor at the end of its last line
        }
    }
}
