#include "dataset/sampletable.h"

namespace loupe {

qint64 SampleTable::findId(const QString &id) const
{
    return ids.indexOf(id);
}

} // namespace loupe
