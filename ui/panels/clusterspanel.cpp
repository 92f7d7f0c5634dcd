#include "clusterspanel.h"

#include "analysis/steps/kmeansstep.h"
#include "analysis/steps/mapclustersstep.h"
#include "projectsession.h"
#include "rankingtable.h"

#include <QComboBox>
#include <QLabel>
#include <QStandardItemModel>
#include <QTableView>
#include <QVBoxLayout>

namespace loupe {

namespace {

constexpr int kClusterRole = Qt::UserRole + 1;
using rankingtable::numberItem;
using rankingtable::textItem;

QStandardItem *numberItem(double value, int decimals)
{
    return numberItem(value,
                      decimals == 0 ? QString::number(qint64(value)) : QString::number(value, 'f', decimals));
}

QStandardItem *percentItem(double share)
{
    return numberItem(share, QStringLiteral("%1%").arg(share * 100.0, 0, 'f', 1));
}

QString dominant(const QStringList &classes, int index, double share)
{
    if (index < 0)
        return QStringLiteral("-");
    return QStringLiteral("%1 (%2%)").arg(classes.value(index)).arg(share * 100.0, 0, 'f', 0);
}

} // namespace

ClustersPanel::ClustersPanel(ProjectSession &session, QWidget *parent)
    : QWidget(parent), m_session(session), m_method(new QComboBox(this)), m_summary(new QLabel(this)),
      m_model(new QStandardItemModel(this)), m_table(new QTableView(this))
{
    m_method->addItem(tr("Embedding clusters (k-means)"), QStringLiteral("kmeans"));
    m_method->addItem(tr("Map clusters (HDBSCAN)"), QStringLiteral("density"));
    m_summary->setWordWrap(true);
    rankingtable::setUp(m_table, m_model);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(m_method);
    layout->addWidget(m_summary);
    layout->addWidget(m_table, 1);

    connect(m_method, &QComboBox::currentIndexChanged, this, &ClustersPanel::rebuild);
    connect(m_table, &QTableView::activated, this,
            [this](const QModelIndex &index) { activateRow(index.row()); });
    connect(m_table, &QTableView::clicked, this,
            [this](const QModelIndex &index) { activateRow(index.row()); });
    connect(&session, &ProjectSession::opened, this, &ClustersPanel::rebuild);
    connect(&session, &ProjectSession::closed, this, &ClustersPanel::rebuild);
    connect(&session, &ProjectSession::analysisReloaded, this, &ClustersPanel::rebuild);
    connect(&session, &ProjectSession::samplesEdited, this, &ClustersPanel::rebuild);
    rebuild();
}

QString ClustersPanel::method() const
{
    return m_method->currentData().toString();
}

const ClusterResults &ClustersPanel::clusters() const
{
    if (method() == QLatin1String("kmeans"))
        return m_session.analysis().get<EmbeddingClusters>();
    return m_session.analysis().get<MapClusters>();
}

void ClustersPanel::rebuild()
{
    const auto &records = clusters().clusters;
    const QStringList &classes = m_session.table().classNames;
    m_model->clear();
    m_model->setHorizontalHeaderLabels({tr("Cluster"), tr("Size"), tr("Errors"), tr("Error rate"),
                                        tr("Expected"), tr("Severity"), tr("p"), tr("Given"),
                                        tr("Predicted")});
    m_model->horizontalHeaderItem(Expected)->setToolTip(
        tr("Errors the cluster's mix of classes predicts at the overall per-class error rates"));
    m_model->horizontalHeaderItem(Severity)->setToolTip(
        tr("How much worse than expected the model does here, weighted by confidence: most severe first"));
    int significant = 0;
    for (const ClusterRecord &c : records) {
        QList<QStandardItem *> row;
        row << numberItem(c.cluster, 0) << numberItem(double(c.size), 0) << numberItem(double(c.errors), 0)
            << percentItem(c.errorRate) << numberItem(c.expectedErrors, 1) << numberItem(c.severity, 2)
            << numberItem(c.pValue, 4) << textItem(dominant(classes, c.dominantLabel, c.dominantLabelShare))
            << textItem(dominant(classes, c.dominantPredicted, c.dominantPredictedShare));
        row.first()->setData(c.cluster, kClusterRole);
        m_model->appendRow(row);
        significant += c.pValue < 0.05 / std::max<size_t>(1, records.size());
    }
    m_summary->setText(records.empty() ? tr("No clusters yet: run the analysis (loupe-cli analyze).")
                                       : tr("%n cluster(s), %1 significantly worse than expected "
                                            "(Bonferroni). Click one to show its samples.",
                                            nullptr, int(records.size()))
                                             .arg(significant));
    m_table->sortByColumn(Severity, Qt::DescendingOrder); // most severe first
    m_table->resizeColumnsToContents();
}

void ClustersPanel::activateRow(int row)
{
    const QModelIndex index = m_table->model()->index(row, Cluster);
    if (!index.isValid())
        return;
    const int cluster = index.data(kClusterRole).toInt();
    const bool kmeans = method() == QLatin1String("kmeans");
    SampleFilter filter;
    filter.kind = kmeans ? SampleFilter::Kind::Cluster : SampleFilter::Kind::MapCluster;
    filter.value = cluster;
    filter.description = (kmeans ? tr("cluster %1") : tr("map cluster %1")).arg(cluster);
    m_session.setFilter(filter);
    Q_EMIT clusterActivated(method(), cluster);
}

} // namespace loupe
