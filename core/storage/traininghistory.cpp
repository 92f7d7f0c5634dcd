#include "storage/traininghistory.h"

#include "storage/project.h"
#include "storage/sqlitedatabase.h"

namespace loupe {

std::vector<EpochLoss> readTrainingHistory(Project &project, int runId)
{
    auto query = project.database().prepare(QStringLiteral(
        "SELECT epoch, max(CASE WHEN metric = 'train_loss' THEN value END), "
        "max(CASE WHEN metric = 'val_loss' THEN value END) FROM training_history WHERE run_id = ? "
        "GROUP BY epoch ORDER BY epoch"));
    query.bind(1, runId);
    std::vector<EpochLoss> history;
    while (query.step()) {
        history.push_back({query.columnInt(0), query.isNull(1) ? NAN : query.columnDouble(1),
                           query.isNull(2) ? NAN : query.columnDouble(2)});
    }
    return history;
}

} // namespace loupe
