#pragma once

#include <QWidget>

class QComboBox;
class QLabel;
class QStandardItemModel;
class QTableView;

namespace loupe {

class ProjectSession;
struct ClusterResults;

/**
 * The failure clusters the analysis ranked (k-means on the embeddings, or density
 * clusters of the map), most severe first: size, errors, error rate against the rate the
 * cluster's class mix predicts, severity, p-value and dominant classes. Activating a row
 * filters every panel to that cluster's samples.
 */
class ClustersPanel final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ClustersPanel)

public:
    explicit ClustersPanel(ProjectSession &session, QWidget *parent = nullptr);

    QTableView *table() const { return m_table; }
    /** Filters to the cluster shown in row (of the current method); for tests and keyboard use. */
    void activateRow(int row);

Q_SIGNALS:
    /** The user picked a cluster (method "kmeans" or "density"); its samples are now the filter. */
    void clusterActivated(const QString &method, int cluster);

private:
    enum Column { Cluster, Size, Errors, ErrorRate, Expected, Severity, PValue, Given, Predicted, Columns };

    QString method() const;
    const ClusterResults &clusters() const;
    void rebuild();

    ProjectSession &m_session;
    QComboBox *m_method;
    QLabel *m_summary;
    QStandardItemModel *m_model;
    QTableView *m_table;
};

} // namespace loupe
