package chatreel;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.util.List;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.MongoVersion;
import de.bwaldvogel.mongo.backend.CollectionOptions;
import de.bwaldvogel.mongo.backend.ArrayFilters;
import de.bwaldvogel.mongo.backend.QueryResult;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import de.bwaldvogel.mongo.backend.memory.MemoryCollection;
import de.bwaldvogel.mongo.backend.memory.MemoryDatabase;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.oplog.Oplog;

/**
 * Chatreel's stand-in for MongoDB in tests: mongo-java-server with its in-memory backend (each
 * collection's reads and writes are synchronized, so single-document updates are atomic, as on
 * MongoDB; findAndModify answers with its own post-image, see ExactPostImageBackend) on a loopback port.
 *
 * Usage: java -jar mongo-semantics.jar [port]   (0 or nothing: a free port)
 *
 * Same protocol as the embedded FerretDB child (server/ferretdb/main.go): one JSON line on stdout once
 * the listener is bound, {"uri":"mongodb://127.0.0.1:PORT/"}; the process exits when its stdin closes,
 * so it never outlives the process that started it.
 */
public final class MongoSemanticsServer {

    /**
     * mongo-java-server speaks MongoDB 5.0 but reports wire version 8 (MongoDB 4.2); the mongodb 7 Node
     * driver refuses servers below 9 (4.4). MongoDB 5.0's real wire version is 13. The version is only
     * reported (hello/isMaster, buildInfo, serverStatus): the backend's behaviour does not depend on it.
     */
    private static final MongoVersion MONGODB_5_0 = new MongoVersion() {
        @Override
        public List<Integer> getVersionArray() {
            return List.of(5, 0, 0);
        }

        @Override
        public int getWireVersion() {
            return 13;
        }
    };

    /**
     * mongo-java-server applies queries and updates under the collection's lock but answers with the
     * stored documents themselves, encoded after the lock is released, while later updates change them:
     * concurrent findAndModify `$inc` draws saw each other's later values (200 draws, 192 distinct
     * numbers), and a find could return a document half-way through an update (a version already
     * bumped beside the old value it guards, so compare-and-set writers lost entries). MongoDB answers
     * with each document as one moment left it; so does this backend, by copying what it answers while
     * the lock is still held.
     */
    private static final class ExactPostImageBackend extends MemoryBackend {
        @Override
        public MemoryDatabase openOrCreateDatabase(String databaseName) {
            return new MemoryDatabase(databaseName, getCursorRegistry()) {
                @Override
                protected MemoryCollection openOrCreateCollection(String collectionName, CollectionOptions options) {
                    return new MemoryCollection(this, collectionName, options, cursorRegistry) {
                        /** Above 0 while a write matches the documents it changes (through the same query code). */
                        private final ThreadLocal<Integer> writing = ThreadLocal.withInitial(() -> 0);

                        private <T> T whileWriting(java.util.function.Supplier<T> write) {
                            writing.set(writing.get() + 1);
                            try {
                                return write.get();
                            } finally {
                                writing.set(writing.get() - 1);
                            }
                        }

                        @Override
                        public synchronized Document findAndModify(Document query) {
                            return whileWriting(() -> super.findAndModify(query)).cloneDeeply();
                        }

                        @Override
                        public synchronized Document updateDocuments(Document selector, Document update, ArrayFilters arrayFilters, boolean isMulti, boolean isUpsert, Oplog oplog) {
                            return whileWriting(() -> super.updateDocuments(selector, update, arrayFilters, isMulti, isUpsert, oplog));
                        }

                        @Override
                        public synchronized int deleteDocuments(Document selector, int limit, Oplog oplog) {
                            return whileWriting(() -> super.deleteDocuments(selector, limit, oplog));
                        }

                        @Override
                        protected QueryResult createQueryResult(List<Document> matched, int batchSize) {
                            // An answer (later batches for getMore included) is copied under the lock; a write changes the stored documents.
                            return super.createQueryResult(writing.get() > 0 ? matched : matched.stream().map(Document::cloneDeeply).toList(), batchSize);
                        }
                    };
                }
            };
        }
    }

    private MongoSemanticsServer() {
    }

    public static void main(String[] args) throws IOException {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 0;
        MongoServer server = new MongoServer(new ExactPostImageBackend().version(MONGODB_5_0));
        server.bind("127.0.0.1", port);
        Runtime.getRuntime().addShutdownHook(new Thread(server::shutdownNow));

        InetSocketAddress address = server.getLocalAddress();
        System.out.println("{\"uri\":\"mongodb://127.0.0.1:" + address.getPort() + "/\"}");
        System.out.flush();

        // The parent holds our stdin open; end of input means it is gone.
        InputStream stdin = System.in;
        byte[] buffer = new byte[256];
        while (stdin.read(buffer) >= 0) {
            // Nothing is ever sent; read only to notice the end.
        }
        System.exit(0);
    }
}
