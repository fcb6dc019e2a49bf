//! `language.foreign_lines` (`corpusclean/filters/language.py`, `ForeignLines`) on a
//! document's line facts: the passes over the lines (`__call__`'s loop, `_decide`, `_edges`,
//! `_runs`, `_check_share`, `_tipped`), each method named after the one it reproduces.
//!
//! Two questions go back to the caller, through [`Judge`]: the scripts of a pass (from
//! [`Summary`], as `own_scripts` and `writes` decide with the package's tables) and langdetect
//! on one line (with the filter's cache and budget).

use crate::language::{
    script_name, script_set, Class, Kind, Language, LineFacts, Params, Summary, Tables, SCRIPTS,
};

/// `_Line.reason`: none, `language.foreign_script` or `language.foreign_line`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    None,
    Script,
    Line,
}

/// `_Line.detail`, formatted by [`Detail::text`].
#[derive(Debug, Clone, PartialEq)]
pub enum Detail {
    None,
    /// `script={script} share={share:.2f}`.
    Script(u8, f64),
    /// `language={language} p={score:.2f}`.
    Language(String, f64),
    /// `language={language} p={score:.2f} at the page's edge`.
    Edge(String, f64),
    /// Taken with its neighbours at the page's edge.
    Block,
}

impl Detail {
    /// The detail as the reference writes it (`{:.2}` rounds the exact value half to even,
    /// as Python's `:.2f` does).
    #[must_use]
    pub fn text(&self) -> String {
        match self {
            Self::None => String::new(),
            Self::Script(script, share) => {
                format!("script={} share={share:.2}", script_name(*script))
            }
            Self::Language(language, p) => format!("language={language} p={p:.2}"),
            Self::Edge(language, p) => format!("language={language} p={p:.2} at the page's edge"),
            Self::Block => "in a block of lines at the page's edge".to_owned(),
        }
    }
}

/// `_Line`: one line's class during a pass.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub kind: Kind,
    pub reason: Reason,
    pub detail: Detail,
    pub language: String,
    pub words: usize,
    pub quoted: bool,
    pub sure: bool,
}

impl Line {
    fn new(kind: Kind, words: usize) -> Self {
        Self {
            kind,
            reason: Reason::None,
            detail: Detail::None,
            language: String::new(),
            words,
            quoted: false,
            sure: false,
        }
    }

    fn from_class(class: &Class, language: &str) -> Self {
        let (reason, detail) = match class.script {
            Some((script, share)) => (Reason::Script, Detail::Script(script, share)),
            None => (Reason::None, Detail::None),
        };
        Self {
            kind: class.kind,
            reason,
            detail,
            language: if class.tagged {
                language.to_owned()
            } else {
                String::new()
            },
            words: class.words,
            quoted: class.quoted,
            sure: class.sure,
        }
    }

    /// Foreign or weak for its language (`reason == FOREIGN_LINE and kind in (FOREIGN, WEAK)`).
    fn other_language(&self) -> bool {
        self.reason == Reason::Line && matches!(self.kind, Kind::Foreign | Kind::Weak)
    }
}

/// langdetect's answer on a line: `Detection.language`, `.score`, `.determined`, and
/// `1.0 - sum(p for code, p in candidates if are_close(code, against))` for the language the
/// caller was asked about.
#[derive(Debug, Clone, PartialEq)]
pub struct Found {
    pub language: String,
    pub score: f64,
    pub determined: bool,
    pub against: f64,
}

/// The scripts of one pass (`_decide`'s first lines): `own_scripts`, the language the lines
/// are judged in (`und` when they are not in its script), the scripts `_judged_by_language`
/// accepts in it (Kana included), and whether its script is its alone (`_classify`'s `sure`).
#[derive(Debug, Clone, PartialEq)]
pub struct PassScripts {
    pub own: Vec<u8>,
    pub language: String,
    pub judged: Vec<u8>,
    pub home_sure: bool,
}

/// What the passes ask the caller.
pub trait Judge {
    type Error;
    /// The scripts of a pass over the lines summed up by `summary`, in `language`.
    ///
    /// # Errors
    /// The caller's.
    fn scripts(&mut self, summary: &Summary, language: &str) -> Result<PassScripts, Self::Error>;
    /// `ForeignLines._detect` on the document's line `line` (None: the budget is spent),
    /// with [`Found::against`] for `against`.
    ///
    /// # Errors
    /// The caller's.
    fn detect(&mut self, line: usize, against: &str) -> Result<Option<Found>, Self::Error>;
}

/// `ForeignLines.__call__`'s answer: the lines to remove (document line, reason, detail),
/// `line_languages` (largest first, ties by code), the language the document was tipped to
/// (None when it was not), and the lines left.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    pub removed: Vec<(usize, Reason, Detail)>,
    pub line_languages: Vec<(String, usize)>,
    pub relabel: Option<String>,
    pub alive: Vec<usize>,
}

/// The reasons of a pass by line, in the order they were first given (a dict's order).
struct Reasons {
    by_line: Vec<Option<Reason>>,
    order: Vec<usize>,
}

impl Reasons {
    fn new(n: usize) -> Self {
        Self {
            by_line: vec![None; n],
            order: Vec::new(),
        }
    }

    fn set(&mut self, k: usize, reason: Reason) {
        if self.by_line[k].is_none() {
            self.order.push(k);
        }
        self.by_line[k] = Some(reason);
    }
}

/// One pass: the document's facts, the lines alive and the pass's language.
struct Pass<'a, J> {
    tables: &'a Tables,
    facts: &'a [LineFacts],
    alive: &'a [usize],
    language: String,
    params: &'a Params,
    judge: &'a mut J,
}

impl Tables {
    /// `ForeignLines.__call__` from the facts of every line of a document in `language` (the
    /// document's, `und` when unsure), up to building the decision.
    ///
    /// # Errors
    /// The judge's.
    pub fn foreign_lines<J: Judge>(
        &self,
        facts: &[LineFacts],
        language: &str,
        params: &Params,
        judge: &mut J,
    ) -> Result<Outcome, J::Error> {
        let mut language = language.to_owned();
        let mut alive: Vec<usize> = (0..facts.len()).collect();
        let mut removed = Vec::new();
        let mut first: Option<Vec<Line>> = None;
        let mut relabel = None;
        while !alive.is_empty() {
            let (mut judged, mut found) = self.decide(facts, &alive, &language, params, judge)?;
            if let Some(tipped) = tipped(&judged, &language, params) {
                language.clone_from(&tipped);
                relabel = Some(tipped);
                (judged, found) = self.decide(facts, &alive, &language, params, judge)?;
            }
            if first.is_none() {
                first = Some(judged);
            }
            if found.is_empty() {
                break;
            }
            let mut gone = vec![false; alive.len()];
            for (k, reason, detail) in found {
                gone[k] = true;
                removed.push((alive[k], reason, detail));
            }
            alive = alive
                .iter()
                .zip(&gone)
                .filter(|&(_, &g)| !g)
                .map(|(&i, _)| i)
                .collect();
        }
        let mut counts: Vec<(String, usize)> = Vec::new();
        for line in first.iter().flatten().filter(|l| !l.language.is_empty()) {
            match counts.iter_mut().find(|c| c.0 == line.language) {
                Some(c) => c.1 += 1,
                None => counts.push((line.language.clone(), 1)),
            }
        }
        counts.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        Ok(Outcome {
            removed,
            line_languages: counts,
            relabel,
            alive,
        })
    }

    /// `_decide`: one pass over the lines `alive`: each line's class, and the lines to remove
    /// (places among `alive`) with their reason and detail.
    #[allow(clippy::type_complexity)]
    fn decide<J: Judge>(
        &self,
        facts: &[LineFacts],
        alive: &[usize],
        language: &str,
        params: &Params,
        judge: &mut J,
    ) -> Result<(Vec<Line>, Vec<(usize, Reason, Detail)>), J::Error> {
        let summary = self.summary(facts, Some(alive));
        let scripts = judge.scripts(&summary, language)?;
        let mut pass = Pass {
            tables: self,
            facts,
            alive,
            language: scripts.language.clone(),
            params,
            judge,
        };
        let mut lines = pass.classify(&scripts)?;
        let mut reasons = Reasons::new(lines.len());
        let judged = script_set(&scripts.judged);
        for k in pass.edges(&mut lines, &judged)? {
            reasons.set(k, lines[k].reason);
        }
        for (start, end, edge) in pass.runs(&mut lines)? {
            let members: Vec<usize> = (start..=end)
                .filter(|&k| matches!(lines[k].kind, Kind::Foreign | Kind::Weak))
                .collect();
            let foreign = members
                .iter()
                .filter(|&&k| lines[k].kind == Kind::Foreign)
                .count();
            let chosen: Vec<usize> = if edge || foreign >= params.interior_run {
                if members.len() == 1 && lines[members[0]].reason == Reason::Line {
                    members
                        .into_iter()
                        .filter(|&k| lines[k].words >= params.lone_min_words)
                        .collect()
                } else {
                    members
                }
            } else {
                // Inside the body: foreign lines that do not look quoted, and of the
                // document's script only when long enough.
                members
                    .into_iter()
                    .filter(|&k| {
                        let line = &lines[k];
                        line.kind == Kind::Foreign
                            && !line.quoted
                            && (line.reason == Reason::Script
                                || line.words >= params.lone_min_words)
                    })
                    .collect()
            };
            for k in chosen {
                reasons.set(k, lines[k].reason);
            }
        }
        pass.check_share(&lines, &mut reasons);
        let found = reasons
            .order
            .iter()
            .filter_map(|&k| reasons.by_line[k].map(|r| (k, r, lines[k].detail.clone())))
            .collect();
        Ok((lines, found))
    }
}

impl<J: Judge> Pass<'_, J> {
    fn fact(&self, k: usize) -> &LineFacts {
        &self.facts[self.alive[k]]
    }

    /// `_classify` of every line, langdetect asked (in order) about the lines whose
    /// stopwords name a rival language.
    fn classify(&mut self, scripts: &PassScripts) -> Result<Vec<Line>, J::Error> {
        let language = Language {
            code: &self.language,
            home_sure: scripts.home_sure,
        };
        let classes =
            self.tables
                .classify(self.facts, self.alive, &language, &scripts.own, self.params);
        let mut lines = Vec::with_capacity(classes.len());
        for (k, class) in classes.iter().enumerate() {
            let line = if class.kind == Kind::Pending {
                self.rival(k, class)?
            } else {
                Line::from_class(class, &self.language)
            };
            lines.push(line);
        }
        Ok(lines)
    }

    /// `_classify`'s end for a line with stopwords of a rival language: langdetect decides.
    fn rival(&mut self, k: usize, class: &Class) -> Result<Line, J::Error> {
        let f = self.fact(k);
        let (tables, params) = (self.tables, self.params);
        let doc = tables.language(&self.language);
        let close = tables.close_to(&self.language);
        let (own_hits, _) = f.hits_of(doc);
        let rivals: Vec<u16> = f
            .hits
            .iter()
            .filter(|&&(l, n, long)| {
                n >= params.min_stopwords
                    && own_hits * 3 <= n
                    && long != 0
                    && !close[usize::from(l)]
            })
            .map(|h| h.0)
            .collect();
        let quoted = f.quoted();
        let Some(found) = self.judge.detect(self.alive[k], &self.language)? else {
            return Ok(Line::new(Kind::Home, class.words));
        };
        let mut line = Line::new(Kind::Home, class.words);
        line.quoted = quoted;
        let rival = rivals
            .iter()
            .any(|&l| tables.language_code(l) == found.language);
        if rival && found.score >= params.min_score {
            line.kind = Kind::Foreign;
            line.reason = Reason::Line;
            line.detail = Detail::Language(found.language.clone(), found.score);
        }
        line.sure = found.language == self.language;
        line.language = found.language;
        Ok(line)
    }

    /// `_edges`: the lines to remove at the page's edges (places among the lines alive).
    fn edges(
        &mut self,
        lines: &mut [Line],
        judged: &[bool; SCRIPTS + 1],
    ) -> Result<Vec<usize>, J::Error> {
        let mut chosen: Vec<usize> = Vec::new();
        let n = lines.len();
        for forward in [true, false] {
            let mut far = 0;
            let mut walked: Vec<usize> = Vec::new();
            for step in 0..n {
                let k = if forward { step } else { n - 1 - step };
                if lines[k].kind == Kind::Home && lines[k].sure {
                    break;
                }
                if matches!(lines[k].kind, Kind::Open | Kind::Home)
                    && self.judged_by_language(k, judged)
                {
                    self.judge_at_edge(k, &mut lines[k])?;
                }
                if lines[k].kind == Kind::Home {
                    break;
                }
                walked.push(k);
                if matches!(lines[k].kind, Kind::Foreign | Kind::Edge) {
                    far = walked.len();
                }
            }
            let mut reason = Reason::None;
            for &k in walked[..far].iter().rev() {
                let line = &mut lines[k];
                if line.kind == Kind::Neutral && reason != Reason::None && self.fact(k).letters {
                    line.reason = reason;
                    line.detail = Detail::Block;
                }
                if line.reason != Reason::None {
                    reason = line.reason;
                    if !chosen.contains(&k) {
                        chosen.push(k);
                    }
                }
            }
        }
        Ok(chosen)
    }

    /// `_judged_by_language`: is the line's main script one the pass's language is written in
    /// (or Latin in a Japanese page)?
    fn judged_by_language(&self, k: usize, judged: &[bool; SCRIPTS + 1]) -> bool {
        self.language != "und"
            && self
                .fact(k)
                .vote
                .0
                .is_some_and(|main| judged[usize::from(main)])
    }

    /// `_judge_at_edge`: langdetect on a line of the document's script at the page's edge.
    fn judge_at_edge(&mut self, k: usize, line: &mut Line) -> Result<(), J::Error> {
        let params = self.params;
        let f = self.fact(k);
        let dense: u64 = f
            .counts
            .iter()
            .filter(|&&(s, _)| self.tables.unspaced[usize::from(s)])
            .map(|x| x.1)
            .sum();
        let long_line =
            line.words >= params.lone_min_words || dense >= 2 * params.lone_min_words as u64;
        let judged = line.words >= params.min_words || long_line;
        let title_case = f.title_case;
        let found = if judged {
            self.judge.detect(self.alive[k], &self.language)?
        } else {
            None
        };
        line.kind = Kind::Home;
        line.sure = true;
        let Some(found) = found else {
            return Ok(());
        };
        if !found.determined || found.language == self.language {
            return Ok(());
        }
        line.language.clone_from(&found.language);
        // Against a language not close to the document's, what counts is how unlikely the
        // document's language is.
        let close = self.tables.are_close(&found.language, &self.language);
        let score = if close { found.score } else { found.against };
        let f = self.fact(k);
        let (theirs, _) = f.hits_of(self.tables.language(&found.language));
        let (ours, _) = f.hits_of(self.tables.language(&self.language));
        if score >= params.min_score
            && (theirs > ours || (theirs == ours && long_line))
            && !title_case
            && (!close || line.words >= 2 * params.min_words + 2)
        {
            line.kind = Kind::Foreign;
            line.sure = false;
            line.reason = Reason::Line;
            line.detail = Detail::Edge(found.language, score);
        }
        Ok(())
    }

    /// `_settle`: an open line judged by langdetect alone: weak foreign or home.
    fn settle(&mut self, k: usize, line: &mut Line) -> Result<(), J::Error> {
        let found = self.judge.detect(self.alive[k], &self.language)?;
        line.language = found
            .as_ref()
            .map_or_else(String::new, |f| f.language.clone());
        match found {
            Some(found)
                if found.determined
                    && !self.tables.are_close(&found.language, &self.language)
                    && found.score >= self.params.weak_score =>
            {
                line.kind = Kind::Weak;
                line.reason = Reason::Line;
                line.detail = Detail::Language(found.language, found.score);
            }
            _ => line.kind = Kind::Home,
        }
        Ok(())
    }

    /// `_runs`: runs of foreign lines as (first, last, touches an edge).
    fn runs(&mut self, lines: &mut [Line]) -> Result<Vec<(usize, usize, bool)>, J::Error> {
        let mut runs = Vec::new();
        let n = lines.len();
        let mut i = 0;
        while i < n {
            if lines[i].kind != Kind::Foreign {
                i += 1;
                continue;
            }
            let (start, _, edge_before) = self.grow(lines, i, false)?;
            let (end, j, edge_after) = self.grow(lines, i, true)?;
            runs.push((start, end, edge_before || edge_after));
            i = j;
        }
        Ok(runs)
    }

    /// `_grow`: from line `i` one way while lines join the run: the furthest foreign or weak
    /// line, where the walk stopped (`n` past the last line, unused before the first), and
    /// whether it reached the edge.
    fn grow(
        &mut self,
        lines: &mut [Line],
        i: usize,
        forward: bool,
    ) -> Result<(usize, usize, bool), J::Error> {
        let mut far = i;
        let mut j = i;
        loop {
            let next = if forward {
                Some(j + 1).filter(|&x| x < lines.len())
            } else {
                j.checked_sub(1)
            };
            let Some(next) = next else {
                return Ok((far, if forward { lines.len() } else { 0 }, true));
            };
            j = next;
            if lines[j].kind == Kind::Open {
                self.settle(j, &mut lines[j])?;
            }
            if lines[j].kind == Kind::Home {
                return Ok((far, j, false));
            }
            if matches!(lines[j].kind, Kind::Foreign | Kind::Weak) {
                far = j;
            }
        }
    }

    /// `_check_share`: when the lines found in another language are a large part of the
    /// document (of its lines with letters and of their characters), none goes for its
    /// language.
    fn check_share(&self, lines: &[Line], reasons: &mut Reasons) {
        let foreign: Vec<usize> = (0..lines.len())
            .filter(|&k| lines[k].other_language())
            .collect();
        if foreign.is_empty() {
            return;
        }
        let judged: Vec<usize> = (0..lines.len()).filter(|&k| self.fact(k).letters).collect();
        let chars: usize = judged.iter().map(|&k| self.fact(k).chars).sum();
        let foreign_chars: usize = foreign.iter().map(|&k| self.fact(k).chars).sum();
        let share = self.params.max_foreign_share;
        #[allow(clippy::cast_precision_loss)]
        let (too_many, too_long) = (
            foreign.len() as f64 > share * judged.len() as f64,
            foreign_chars as f64 > share * chars as f64,
        );
        if too_many && too_long {
            for k in 0..lines.len() {
                if reasons.by_line[k] == Some(Reason::Line) {
                    reasons.by_line[k] = None;
                }
            }
        }
    }
}

/// `_tipped`: the language of most lines found in another language, when they outnumber the
/// lines found in the document's language.
fn tipped(lines: &[Line], language: &str, params: &Params) -> Option<String> {
    if language == "und" {
        return None;
    }
    let mut foreign: Vec<(&str, usize)> = Vec::new();
    for line in lines.iter().filter(|l| l.other_language()) {
        match foreign.iter_mut().find(|f| f.0 == line.language) {
            Some(f) => f.1 += 1,
            None => foreign.push((&line.language, 1)),
        }
    }
    let home = lines
        .iter()
        .filter(|l| l.kind == Kind::Home && l.words >= params.min_words)
        .count();
    let (best, n) = foreign
        .into_iter()
        .min_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)))?;
    (n > home).then(|| best.to_owned())
}
