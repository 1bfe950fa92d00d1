import { registerTask } from "../utils/jobs.server";
import { logger } from "../utils/logger.server";

/** Registers every job handler; each feature adds its own here. */
export function registerAllTasks(): void {
  registerTask("noop", async (payload) => {
    logger().info({ payload }, "noop job ran");
  });
}
