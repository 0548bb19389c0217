#!/usr/bin/env bash
# BEGAN on a SLURM cluster: one torchrun per node, one process per GPU, rendezvous on the first
# node. Submit from the repository root:  sbatch scripts/slurm_train.sh
# Override with environment variables: PRESET (celeba128), STEPS, EXTRA ("--set precision=bf16"),
# GPUS_PER_NODE (what torchrun starts per node; on a CPU-only test, the process count).
#SBATCH --job-name=began
#SBATCH --nodes=2
#SBATCH --ntasks-per-node=1
#SBATCH --gpus-per-node=4
#SBATCH --cpus-per-task=16
#SBATCH --time=24:00:00
#SBATCH --output=runs/slurm-%j.out
set -euo pipefail
cd "${SLURM_SUBMIT_DIR:-$(dirname "$0")/..}"
PRESET=${PRESET:-celeba128}
GPUS_PER_NODE=${GPUS_PER_NODE:-${SLURM_GPUS_ON_NODE:-4}}
NODES=${SLURM_NNODES:-1}
# The first node of the allocation hosts the rendezvous (c10d backend, any free port).
HEAD=${HEAD_NODE:-$(scontrol show hostnames "${SLURM_JOB_NODELIST:-localhost}" 2>/dev/null | head -n 1 || echo localhost)}
PORT=${RDZV_PORT:-29500}
PYTHON=${PYTHON:-.venv/bin/python}
# --resume continues the newest runs/<preset>* after a requeue or a time limit; a new run
# starts when there is none.
RESUME=()
if compgen -G "runs/${PRESET}*/checkpoints/last.pt" > /dev/null; then RESUME=(--resume); fi
LAUNCH=(${SRUN:-srun} "$PYTHON" -m torch.distributed.run --nnodes="$NODES"
        --nproc_per_node="$GPUS_PER_NODE" --rdzv_backend=c10d --rdzv_endpoint="$HEAD:$PORT"
        --rdzv_id="${SLURM_JOB_ID:-began}" -m began_lite train --preset "$PRESET" --no-progress
        "${RESUME[@]}")
[ -n "${STEPS:-}" ] && LAUNCH+=(--steps "$STEPS")
# shellcheck disable=SC2206  # EXTRA is split into words on purpose
LAUNCH+=(${EXTRA:-})
echo "${LAUNCH[@]}"
exec "${LAUNCH[@]}"
