// keepFreedBuffersForReuse (common/allocatortuning.h): after it, buffers of a few megabytes
// that are freed and allocated again reuse their pages instead of faulting them in afresh.

#include "common/allocatortuning.h"

#include <QtTest>

#include <sys/resource.h>

#include <vector>

using namespace loupe;

namespace {

long minorPageFaults()
{
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return usage.ru_minflt;
}

char *volatile g_sink; // keeps the compiler from dropping the buffers

/** Allocates, fills and frees buffers of 1 to 7 MB in turn, as the analysis's per-block buffers do. */
void churn(int buffers)
{
    for (int i = 0; i < buffers; ++i) {
        std::vector<char> buffer(size_t(1 + i % 7) << 20, 1);
        g_sink = buffer.data();
    }
}

} // namespace

class TestAllocatorTuning : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void freedBuffersAreReusedWithoutPageFaults();
};

void TestAllocatorTuning::freedBuffersAreReusedWithoutPageFaults()
{
    if (!keepFreedBuffersForReuse())
        QSKIP("this malloc ignores the settings (not glibc, or a sanitizer's allocator)");
    const long before = minorPageFaults();
    churn(50);
    const long faults = minorPageFaults() - before;
    // The largest buffer's pages fault in once (1,792 pages); mapped afresh each time, the
    // 50 buffers would fault about 50,000.
    const long largestBufferPages = (7L << 20) / 4096;
    QVERIFY2(faults < 2 * largestBufferPages, qPrintable(QStringLiteral("%1 page faults").arg(faults)));
}

QTEST_APPLESS_MAIN(TestAllocatorTuning)
#include "tst_allocatortuning.moc"
