/**
 * The floor's work (floor-work.ts) served by the gateway's framework instead of bare `node:http`: NestJS on
 * the Fastify adapter, the token checked by an APP_GUARD, the body read into the gateway's own lookup DTO
 * by its own ValidationPipe, a CommandBus handler doing the work, `Cache-Control: no-store`. Nothing else:
 * no security headers, log line, metrics, network check, policies, quota, privacy guard or breaker. What
 * it costs over the floor is the framework's share of a lookup; what the gateway costs over it is the
 * product's (bench/lookup with BENCH_NEST_FLOOR=1). Prints the floor's `floor listening {…}` line.
 */
import 'reflect-metadata';
import { Body, Controller, HttpCode, Inject, Injectable, Module, Post, Req, Res, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { APP_GUARD, NestFactory } from '@nestjs/core';
import { CommandBus, CommandHandler, CqrsModule, type ICommandHandler } from '@nestjs/cqrs';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { validationPipe } from '../../src/infrastructure/http/validation';
import { NikLookupDto } from '../../src/modules/access/lookups/lookups.controller';
import { openFloorWork, type FloorAnswer, type FloorCaller, type FloorWork } from './floor-work';

const FLOOR_WORK = Symbol('FLOOR_WORK');
type CalledRequest = FastifyRequest & { caller?: FloorCaller };

class Lookup {
  constructor(
    readonly nik: string,
    readonly caller: FloorCaller,
  ) {}
}

@CommandHandler(Lookup)
class LookupHandler implements ICommandHandler<Lookup, FloorAnswer> {
  constructor(@Inject(FLOOR_WORK) private readonly work: FloorWork) {}
  execute({ nik, caller }: Lookup): Promise<FloorAnswer> {
    return this.work.lookup(nik, caller);
  }
}

@Injectable()
class TokenGuard implements CanActivate {
  constructor(@Inject(FLOOR_WORK) private readonly work: FloorWork) {}
  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<CalledRequest>();
    request.caller = this.work.caller(request.headers.authorization);
    return Boolean(request.caller);
  }
}

@Controller('v1/access')
class LookupController {
  constructor(private readonly commandBus: CommandBus) {}

  @Post('nik-lookups')
  @HttpCode(200)
  async lookup(@Body() body: NikLookupDto, @Req() request: CalledRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    const { status, body: answer } = await this.commandBus.execute(new Lookup(body.nik, request.caller!));
    reply.status(status).header('cache-control', 'no-store');
    return answer;
  }
}

async function main(): Promise<void> {
  const work = await openFloorWork('nestfloor');
  @Module({
    imports: [CqrsModule.forRoot()],
    controllers: [LookupController],
    providers: [LookupHandler, { provide: FLOOR_WORK, useValue: work }, { provide: APP_GUARD, useClass: TokenGuard }],
  })
  class NestFloorModule {}
  const app = await NestFactory.create<NestFastifyApplication>(NestFloorModule, new FastifyAdapter({ bodyLimit: 16 * 1024 }), { logger: false });
  app.useGlobalPipes(validationPipe);
  await app.listen(0, '127.0.0.1');
  work.announce(`http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`);
  process.on('SIGTERM', () => void app.close().then(() => work.close().then(() => process.exit(0))));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
