#pragma once

#include <QList>
#include <QString>

#include <vector>

namespace loupe {

/** One sample's change of an editable value (its label, its review mark, ...). */
template<typename Value> struct SampleChange
{
    qint64 sample = -1;
    Value oldValue{};
    Value newValue{};

    /** The change that undoes this one. */
    SampleChange reversed() const { return {sample, newValue, oldValue}; }
};

/** What an edit records about itself in the audit trail, besides the values. */
struct EditStamp
{
    QString source; // "app", "app-undo", "cli", ...
    QString note;   // why, when the editor said; empty otherwise
};

/** What a batch of edits did. */
template<typename Value> struct EditResult
{
    /** The changes written (targets that already had their value are skipped). */
    QList<SampleChange<Value>> changes;
    /**
     * Other samples whose stored analysis the edit changed (their issue score moved because
     * an edited sample is among their neighbours), ascending.
     */
    std::vector<qint64> rescored;

    bool isEmpty() const { return changes.isEmpty(); }
    /** The edited samples, in the order of changes. */
    std::vector<qint64> editedSamples() const
    {
        std::vector<qint64> samples;
        for (const SampleChange<Value> &change : changes)
            samples.push_back(change.sample);
        return samples;
    }
};

} // namespace loupe
