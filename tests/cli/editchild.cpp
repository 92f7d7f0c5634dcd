// loupe-test-editchild: a second process editing a project, for the crash-safety and
// concurrency tests. Not installed.
//
//   loupe-test-editchild PROJECT relabel-and-hang SAMPLE LABEL   relabel, print "confirmed", then hang
//   loupe-test-editchild PROJECT relabel-loop COUNT SOURCE FIRST LAST
//                                   COUNT relabels of samples FIRST..LAST, one transaction each
//   loupe-test-editchild PROJECT hold-write MILLISECONDS          hold the write lock, printing "locked"
//   loupe-test-editchild PROJECT relabel-with-timeout MILLISECONDS  one relabel, waiting at most that long
//
// Exit code 0 on success; 1 with the error on stderr.

#include "common/error.h"
#include "edits/labelrepository.h"
#include "storage/project.h"
#include "storage/sqlitedatabase.h"

#include <QCoreApplication>
#include <QThread>

#include <cstdio>

using namespace loupe;

namespace {

void say(const char *text)
{
    std::printf("%s\n", text);
    std::fflush(stdout);
}

int relabelLoop(Project &project, int count, const QString &source, qint64 first, qint64 last)
{
    LabelRepository labels(project);
    const int classes = int(project.classNames().size());
    for (int i = 0; i < count; ++i) {
        const qint64 sample = first + i % (last - first + 1);
        labels.relabel({sample}, (labels.currentLabel(sample) + 1 + classes) % classes, {}, source);
    }
    say("done");
    return 0;
}

int run(const QStringList &args)
{
    auto project = Project::open(args.at(1));
    const QString mode = args.at(2);
    if (mode == QLatin1String("relabel-and-hang")) {
        LabelRepository(*project).relabel({args.at(3).toLongLong()}, args.at(4).toInt(), {},
                                          QStringLiteral("child"));
        say("confirmed");
        QThread::sleep(600); // killed by the test long before
        return 0;
    }
    if (mode == QLatin1String("relabel-loop"))
        return relabelLoop(*project, args.at(3).toInt(), args.at(4), args.at(5).toLongLong(),
                           args.at(6).toLongLong());
    if (mode == QLatin1String("hold-write")) {
        project->database().exec(QStringLiteral("BEGIN IMMEDIATE"));
        say("locked");
        QThread::msleep(args.at(3).toULong());
        project->database().exec(QStringLiteral("COMMIT"));
        return 0;
    }
    if (mode == QLatin1String("relabel-with-timeout")) {
        project->database().setBusyTimeout(args.at(3).toInt());
        LabelRepository labels(*project);
        labels.relabel({0}, (labels.currentLabel(0) + 1) % int(project->classNames().size()), {},
                       QStringLiteral("child"));
        say("done");
        return 0;
    }
    std::fprintf(stderr, "unknown mode %s\n", qPrintable(mode));
    return 2;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    const QStringList args = QCoreApplication::arguments();
    if (args.size() < 4) {
        std::fprintf(stderr, "usage: loupe-test-editchild PROJECT MODE ARGS...\n");
        return 2;
    }
    try {
        return run(args);
    } catch (const Error &error) {
        std::fprintf(stderr, "%s\n", qPrintable(error.message()));
        return 1;
    }
}
