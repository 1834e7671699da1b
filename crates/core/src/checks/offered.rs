//! What a front end that receives fixes from elsewhere (the desktop page) may apply:
//! only a fix the latest check run of that environment offered, and for a reclaim only
//! items its preview listed.

use super::{CheckReport, Fix, FixError};
use crate::engine::disk::ReclaimItem;

/// The fixes of the latest check run of one environment and its latest reclaim preview.
#[derive(Debug, Clone, Default)]
pub struct Offered {
    fixes: Vec<Fix>,
    preview: Vec<ReclaimItem>,
}

impl Offered {
    /// The fixes a check run offered.
    pub fn from_report(report: &CheckReport) -> Self {
        Self { fixes: report.results.iter().flat_map(|r| r.fixes.iter().cloned()).collect(), preview: Vec::new() }
    }

    /// Remembers the list a reclaim preview showed.
    pub fn set_preview(&mut self, items: Vec<ReclaimItem>) {
        self.preview = items;
    }

    /// Accepts `fix` (and the `confirmed` reclaim list) only when they were offered.
    pub fn admit(&self, fix: &Fix, confirmed: Option<&[ReclaimItem]>) -> Result<(), FixError> {
        let offered = match fix {
            // The amount is recomputed at every check; the kind is what was offered.
            Fix::ReclaimDiskSpace { .. } => self.fixes.iter().any(|f| matches!(f, Fix::ReclaimDiskSpace { .. })),
            other => self.fixes.contains(other),
        };
        if !offered {
            return Err(FixError::NotOffered(fix.id()));
        }
        if let Some(items) = confirmed {
            if let Some(item) = items.iter().find(|i| !self.preview.contains(i)) {
                return Err(FixError::NotPreviewed(item.name.clone()));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::Offered;
    use crate::{
        checks::{CheckReport, CheckResult, CheckStatus, Fix},
        engine::disk::{ReclaimItem, ReclaimKind},
    };

    fn report(fixes: Vec<Fix>) -> CheckReport {
        let mut result = CheckResult::new("ports", "Ports", CheckStatus::Fail, "taken");
        result.fixes = fixes;
        CheckReport::new("dev".into(), vec![result], &["ports"], 1)
    }

    #[test]
    fn only_an_offered_fix_is_admitted() {
        let offered = Offered::from_report(&report(vec![Fix::RemapPort { variable: "WEB_PORT".into(), from: 80, to: 81 }]));
        assert!(offered.admit(&Fix::RemapPort { variable: "WEB_PORT".into(), from: 80, to: 81 }, None).is_ok());
        assert!(offered.admit(&Fix::RemapPort { variable: "EVIL\nX".into(), from: 80, to: 81 }, None).is_err());
        assert!(offered.admit(&Fix::StopContainer { container: "db".into(), project: "other".into() }, None).is_err());
    }

    #[test]
    fn a_reclaim_removes_only_what_its_preview_listed() {
        let mut offered = Offered::from_report(&report(vec![Fix::ReclaimDiskSpace { bytes: 10 }]));
        let shown = ReclaimItem { kind: ReclaimKind::Container, id: "a".into(), name: "old".into(), size: 1 };
        let hidden = ReclaimItem { kind: ReclaimKind::Image, id: "b".into(), name: "tagged".into(), size: 1 };
        offered.set_preview(vec![shown.clone()]);
        assert!(offered.admit(&Fix::ReclaimDiskSpace { bytes: 10 }, Some(&[shown.clone()])).is_ok());
        assert!(offered.admit(&Fix::ReclaimDiskSpace { bytes: 10 }, Some(&[shown, hidden])).is_err());
    }
}
