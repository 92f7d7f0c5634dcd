#include "similarpanel.h"

#include "analysis/neighbours/similaritysearch.h"
#include "common/error.h"
#include "common/progress.h"
#include "formats/csvwriter.h"
#include "projectsession.h"
#include "storage/project.h"
#include "storage/runarrays.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QSpinBox>
#include <QStandardItemModel>
#include <QTableView>
#include <QVBoxLayout>

namespace loupe {

namespace {

/** Loads the run's embeddings and indexes them for exact search; throws loupe::Error. */
std::shared_ptr<const NearestNeighbors> buildIndex(Project &project, int runId)
{
    const RunArrays arrays(project.database(), runId);
    const auto shape = arrays.shape(RunArray::Embeddings);
    if (!shape)
        throw Error(QObject::tr("The run has no embeddings: import embeddings.npy to search by similarity."));
    KnnParams params;
    params.method = KnnParams::Method::Exact;
    Progress progress;
    return std::make_shared<const NearestNeighbors>(arrays.read(RunArray::Embeddings), shape->rows,
                                                    int(shape->cols), params, progress);
}

} // namespace

SimilarPanel::SimilarPanel(ProjectSession &session, QWidget *parent)
    : QWidget(parent), m_session(session), m_find(new QPushButton(tr("Find Similar"), this)),
      m_count(new QSpinBox(this)), m_split(new QComboBox(this)),
      m_unlabeledOnly(new QCheckBox(tr("Unlabeled only"), this)), m_message(new QLabel(this)),
      m_model(new QStandardItemModel(this)), m_table(new QTableView(this)),
      m_showInGrid(new QPushButton(tr("Show in Grid"), this)),
      m_export(new QPushButton(tr("Export CSV…"), this)),
      m_search(
          this, [this](Search &search) { onSearchFinished(search); },
          [this](const QString &error) { onSearchFailed(error); })
{
    m_find->setToolTip(tr("Samples most like the selection (its centroid in embedding space) — Ctrl+F"));
    m_count->setRange(1, 100000);
    m_count->setValue(100);
    m_count->setPrefix(tr("k = "));
    m_message->setWordWrap(true);
    m_table->setModel(m_model);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setAlternatingRowColors(true);

    auto *controls = new QHBoxLayout;
    controls->addWidget(m_find);
    controls->addWidget(m_count);
    controls->addWidget(m_split);
    controls->addWidget(m_unlabeledOnly);
    controls->addStretch(1);
    auto *actions = new QHBoxLayout;
    actions->addStretch(1);
    actions->addWidget(m_showInGrid);
    actions->addWidget(m_export);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addLayout(controls);
    layout->addWidget(m_message);
    layout->addWidget(m_table, 1);
    layout->addLayout(actions);

    connect(m_find, &QPushButton::clicked, this, &SimilarPanel::findSimilar);
    connect(m_showInGrid, &QPushButton::clicked, this, [this] {
        std::vector<qint64> samples;
        for (const Neighbor &neighbor : m_results)
            samples.push_back(neighbor.sample);
        SampleFilter filter;
        filter.kind = SampleFilter::Kind::Similar;
        filter.description = tr("similar to %n selected", nullptr, int(m_querySize));
        m_session.setFilter(filter, std::move(samples));
    });
    connect(m_export, &QPushButton::clicked, this, &SimilarPanel::chooseExportFile);
    connect(&session, &ProjectSession::opened, this, &SimilarPanel::reset);
    connect(&session, &ProjectSession::closed, this, &SimilarPanel::reset);
    reset();
}

SimilarPanel::~SimilarPanel() = default;

void SimilarPanel::reset()
{
    m_search.invalidate(); // an index or a result of the project that was open is not for the next
    m_index.reset();
    m_results.clear();
    m_split->clear();
    m_split->addItem(tr("Any split"), -1);
    const QStringList &splits = m_session.table().splitNames;
    for (int s = 0; s < splits.size(); ++s)
        m_split->addItem(tr("Only %1").arg(splits[s]), s);
    m_message->setText(tr("Select samples (a failure cluster, a lasso on the map) and press Find Similar."));
    showResults();
}

void SimilarPanel::findSimilar()
{
    if (!m_session.isOpen())
        return;
    const QList<qint64> &selection = m_session.selection();
    if (selection.isEmpty()) {
        m_message->setText(tr("Select one or more samples first."));
        return;
    }
    const std::vector<qint64> query(selection.begin(), selection.end());
    m_querySize = selection.size();
    m_find->setEnabled(false);
    m_message->setText(m_index ? tr("Searching…") : tr("Loading the embeddings and searching…"));
    const int runId = m_session.table().runId;
    const int k = m_count->value();
    const int split = m_split->currentData().toInt();
    const bool unlabeledOnly = m_unlabeledOnly->isChecked();
    // The restriction as a mask made here, so the worker never reads the session's table.
    std::shared_ptr<std::vector<uint8_t>> allowed;
    if (const auto accept = SimilaritySearch::restrictTo(m_session.table(), split, unlabeledOnly)) {
        allowed = std::make_shared<std::vector<uint8_t>>(size_t(m_session.table().size()));
        for (size_t i = 0; i < allowed->size(); ++i)
            (*allowed)[i] = accept(qint64(i));
    }
    std::shared_ptr<const NearestNeighbors> index = m_index;
    m_search.request(m_session.project()->path(), [=](ProjectReader &reader) {
        Search search;
        search.index = index ? index : buildIndex(reader.project(), runId);
        SimilaritySearch::Accept accept;
        if (allowed)
            accept = [allowed](qint64 sample) {
                return (*allowed)[size_t(sample)] != 0;
            };
        search.found = SimilaritySearch(*search.index).findSimilar(query, k, accept);
        return search;
    });
}

void SimilarPanel::waitForSearch()
{
    m_search.waitForIdle();
}

void SimilarPanel::onSearchFailed(const QString &error)
{
    m_find->setEnabled(true);
    m_message->setText(error);
    Q_EMIT searchFinished(error);
}

void SimilarPanel::onSearchFinished(Search &search)
{
    m_find->setEnabled(true);
    m_index = search.index;
    m_results = std::move(search.found);
    m_message->setText(tr("%n sample(s) like the %1 selected, nearest first.", nullptr, int(m_results.size()))
                           .arg(m_querySize));
    showResults();
    Q_EMIT searchFinished(QString());
}

void SimilarPanel::showResults()
{
    m_model->clear();
    m_model->setHorizontalHeaderLabels({tr("Id"), tr("Label"), tr("Split"), tr("Distance")});
    const SampleTable &table = m_session.table();
    for (const Neighbor &neighbor : m_results) {
        const auto i = size_t(neighbor.sample);
        const int label = table.labels[i];
        const int split = table.splitIndex[i];
        auto *distance = new QStandardItem(QString::number(double(neighbor.distance), 'f', 3));
        distance->setData(int(Qt::AlignRight | Qt::AlignVCenter), Qt::TextAlignmentRole);
        m_model->appendRow({new QStandardItem(table.ids.at(neighbor.sample)),
                            new QStandardItem(label < 0 ? tr("(unlabeled)") : table.classNames.value(label)),
                            new QStandardItem(split < 0 ? QString() : table.splitNames.value(split)),
                            distance});
    }
    m_table->resizeColumnsToContents();
    m_showInGrid->setEnabled(!m_results.empty());
    m_export->setEnabled(!m_results.empty());
}

QString SimilarPanel::exportCsv(const QString &path) const
{
    try {
        const SampleTable &table = m_session.table();
        CsvWriter writer(path);
        writer.writeRow({QStringLiteral("id"), QStringLiteral("image"), QStringLiteral("label"),
                         QStringLiteral("split"), QStringLiteral("distance")});
        for (const Neighbor &neighbor : m_results) {
            const auto i = size_t(neighbor.sample);
            writer.writeRow(
                {table.ids.at(neighbor.sample), table.images.at(neighbor.sample),
                 table.labels[i] < 0 ? QString() : table.classNames.value(table.labels[i]),
                 table.splitIndex[i] < 0 ? QString() : table.splitNames.value(table.splitIndex[i]),
                 QString::number(double(neighbor.distance), 'g', 6)});
        }
        writer.commit();
        return {};
    } catch (const Error &error) {
        return error.message();
    }
}

void SimilarPanel::chooseExportFile()
{
    const QString path = QFileDialog::getSaveFileName(this, tr("Export Similar Samples"),
                                                      QStringLiteral("similar.csv"), tr("CSV files (*.csv)"));
    if (path.isEmpty())
        return;
    const QString error = exportCsv(path);
    m_message->setText(error.isEmpty() ? tr("Wrote %1.").arg(path) : error);
}

} // namespace loupe
