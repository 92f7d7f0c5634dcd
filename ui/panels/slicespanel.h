#pragma once

#include "analysis/slices/slicefinder.h"
#include "panelquery.h"

#include <QWidget>

#include <vector>

class QLabel;
class QLineEdit;
class QPushButton;
class QStandardItemModel;
class QTableView;

namespace loupe {

class ProjectSession;

/**
 * Patterns of failure in the metadata: the slices the analysis ranked (split, label,
 * predicted class, each metadata value or quantile bin) with count, errors, error rate,
 * lift and its confidence interval; and the SQL filter box. Activating a slice or
 * applying a condition filters every panel; the query runs read-only (SqlFilter) through
 * a PanelQuery, and its error shows inline under the box.
 *
 * A detection project lists instead where the model misses annotated objects (ObjectSlices:
 * by class, size, shape, crowding and the image metadata), found off the UI thread again
 * after every box edit; the SQL filter still selects images.
 */
class SlicesPanel final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SlicesPanel)

public:
    explicit SlicesPanel(ProjectSession &session, QWidget *parent = nullptr);
    ~SlicesPanel() override;

    QLineEdit *conditionEdit() const { return m_condition; }
    QLabel *messageLabel() const { return m_message; }
    QTableView *table() const { return m_table; }

    /** Runs condition (a WHERE clause over sample_view) as the filter; empty clears it. */
    void applyCondition(const QString &condition);
    /** Blocks until a running query has finished (tests). */
    void waitForQuery();
    void activateRow(int row);

Q_SIGNALS:
    /** A query finished: matched samples, or the error message (empty on success). */
    void queryFinished(const QString &error);

private:
    /** A detection project's slices of objects, and for each the images of its missed objects. */
    struct ObjectSliceRows
    {
        std::vector<loupe::Slice> slices;
        std::vector<std::vector<qint64>> missedImages;
    };
    struct QueryResult
    {
        QString condition;
        std::vector<qint64> samples;
        bool truncated = false;
    };
    enum Column { Slice, Count, Errors, ErrorRate, Lift, Interval, PValue, Columns };

    void rebuild();
    void setHeader(bool objects);
    void requestObjectSlices();
    void showObjectSlices(ObjectSliceRows &found);
    /** Filters every panel to the images of the missed objects of the object slice at that row. */
    void showMissedImagesOf(qint64 slice, const QString &name);
    void onQueryFinished(QueryResult &result);
    void onQueryFailed(const QString &error);
    void showMessage(const QString &text, bool error);

    ProjectSession &m_session;
    QLineEdit *m_condition;
    QPushButton *m_apply;
    QPushButton *m_clear;
    QLabel *m_message;
    QStandardItemModel *m_model;
    QTableView *m_table;
    PanelQuery<QueryResult> m_query;
    std::vector<std::vector<qint64>> m_missedImages; ///< per row of the object slices shown
    PanelQuery<ObjectSliceRows> m_objectQuery;
};

} // namespace loupe
