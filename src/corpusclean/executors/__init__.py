"""Executors: the same pipeline on one core, every core, or a cluster, with the same output.

- :mod:`.shards` cuts the input into shards below the file level;
- :mod:`.tasks` runs one pass of the pipeline over one shard and writes its files;
- :mod:`.driver` runs the passes (one per corpus step, then the final one), merges corpus
  states, resumes from completion markers and assembles the output;
- :mod:`.engines` runs shard tasks: in this process, in a process pool, or on Ray
  (:mod:`.ray_engine`);
- :mod:`.records` cleans records (dicts) with no engine at all, for Spark, Dask or datasets.
"""

from .engines import Engine, PoolEngine, SerialEngine, make_engine
from .shards import SHARD_BYTES, Shard, Unit, plan_shards

__all__ = ["SHARD_BYTES", "Engine", "PoolEngine", "SerialEngine", "Shard", "Unit", "make_engine", "plan_shards"]
