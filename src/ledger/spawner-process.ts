// The spawner's helper process (spawner.ts): a small process that starts the commands its parent
// asks for and sends back what they wrote and how they exited. It ends with its parent.
import { type SpawnReply, type SpawnRequest, SpawnError, startCommand } from './spawner.ts';

process.on('message', (request: SpawnRequest) => {
  const reply = (message: SpawnReply) => process.send?.(message);
  startCommand(request).then(
    (result) => reply({ id: request.id, ...result }),
    (error: unknown) =>
      reply({
        id: request.id,
        error: error instanceof Error ? error.message : String(error),
        errorCode: error instanceof SpawnError ? error.code : '',
      }),
  );
});
process.on('disconnect', () => process.exit(0));
