#include "analysis/pipeline/storedmatrix.h"

#include "common/error.h"

namespace loupe {

SimilaritySearch::ChunkedMatrix storedMatrix(const RunArrays &arrays, RunArray array)
{
    const auto shape = arrays.shape(array);
    if (!shape)
        throw Error(QStringLiteral("run %1 has no %2 array").arg(arrays.runId()).arg(RunArrays::name(array)));
    SimilaritySearch::ChunkedMatrix matrix;
    matrix.rows = shape->rows;
    matrix.dims = int(shape->cols);
    matrix.readRow = [&arrays, array](qint64 row) {
        return arrays.readRow(array, row);
    };
    matrix.forEachChunk = [&arrays, array](const std::function<void(qint64, qint64, const float *)> &visit) {
        arrays.forEachChunk(array, visit);
    };
    return matrix;
}

} // namespace loupe
