#pragma once

#include "metrics/classificationreport.h"
#include "panelquery.h"
#include "report/detectionreport.h"

#include <QWidget>

class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QSlider;
class QStandardItemModel;
class QTableView;

namespace loupe {

class PrCurveView;
class ProjectSession;

/**
 * The classification report of the open project: accuracy, per-class precision,
 * recall, F1 and support with macro and weighted averages, overall or for one split.
 * Recomputed (in milliseconds) whenever a label changes. For a detection project, the
 * newest run's COCO AP overall and per class with the boxes by error type, computed off the
 * UI thread (seconds at a million boxes), and its confusion matrix with background.
 */
class ReportPanel final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ReportPanel)

public:
    explicit ReportPanel(ProjectSession &session, QWidget *parent = nullptr);

    QTableView *table() const { return m_table; }
    /** The headline: accuracy, macro F1, mean loss and the fit diagnosis (rich text). */
    QString summaryText() const;
    /** The split the report covers (an index into SampleTable::splitNames), -1 for all samples. */
    int splitIndex() const;

Q_SIGNALS:
    /** The report was recomputed (open, label change, scope change); empty when there is none. */
    void reportChanged(const loupe::ClassificationReport &report);
    /** A detection project's confusion matrix with background (the last name and row and column). */
    void detectionConfusionChanged(const QStringList &names, const std::vector<std::vector<qint64>> &counts);

public:
    /** Blocks until a detection summary on its way is shown (tests). */
    void waitForDetection() { m_detection.waitForIdle(); }
    /** A detection project's thresholds of the error types and the confusion matrix. */
    QDoubleSpinBox *minScoreBox() const { return m_minScore; }
    /** The score threshold's slider, in step with minScoreBox(). */
    QSlider *minScoreSlider() const { return m_minScoreSlider; }
    QDoubleSpinBox *matchIouBox() const { return m_matchIou; }
    /** A detection project's precision-recall curve of the class selected in the table. */
    PrCurveView *prCurve() const { return m_prCurve; }

private:
    void refreshScopes();
    void refresh();
    void showDetection(const DetectionSummary &summary);
    void showCurveOf(int row);

    ProjectSession &m_session;
    QComboBox *m_scope;
    QLabel *m_summary;
    QTableView *m_table;
    QStandardItemModel *m_model;
    QWidget *m_scopeRow = nullptr;
    QWidget *m_thresholds;
    QDoubleSpinBox *m_minScore;
    QSlider *m_minScoreSlider = nullptr;
    QSlider *m_matchIouSlider = nullptr;
    QDoubleSpinBox *m_matchIou;
    PrCurveView *m_prCurve;
    DetectionSummary m_lastDetection;
    PanelQuery<DetectionSummary> m_detection;
};

} // namespace loupe
