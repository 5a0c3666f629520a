package dev.pmc.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.pmc.core.Topics;
import dev.pmc.core.events.KafkaClients;
import dev.pmc.core.targets.TargetFile;
import dev.pmc.stack.ServiceProcess;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The deployment files checked against the services' real configuration without starting anything (the fast
 * tier; ComposeClusterIT starts the compose file for real): the image definition, compose and Kubernetes ports,
 * health probes, environment variable names (each must map to a key the service's application.properties
 * defines), topics (names, partitions, compaction as {@link Topics} creates them), Kafka security and ACLs,
 * Prometheus scrape targets and the registry file.
 */
class DeploymentFilesTest {
    static final Path ROOT = ServiceProcess.projectRoot();
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    static final List<String> SERVICES = List.of("provider-sim", "prompt-generator", "model-gateway", "response-scorer", "metrics-aggregator");
    /** Keys read by extensions rather than by PMC's code or properties files (token verification). */
    static final Set<String> EXTENSION_KEYS = Set.of("mp.jwt.verify.publickey.location", "mp.jwt.verify.issuer", "smallrye.jwt.path.groups");

    static Properties props(String service) throws IOException {
        Properties p = new Properties();
        try (var in = Files.newBufferedReader(ROOT.resolve(service + "/src/main/resources/application.properties"))) {
            p.load(in);
        }
        return p;
    }

    static int port(String service) throws IOException {
        return Integer.parseInt(props(service).getProperty("quarkus.http.port"));
    }

    /**
     * The configuration keys a service reads: its application.properties, the shared defaults in core's
     * microprofile-config.properties, every {@code @ConfigProperty(name = ...)} in its code, and the token keys.
     */
    static Set<String> keys(String service) throws IOException {
        Set<String> keys = new HashSet<>(props(service).stringPropertyNames());
        Properties shared = new Properties();
        try (var in = Files.newBufferedReader(ROOT.resolve("core/src/main/resources/META-INF/microprofile-config.properties"))) {
            shared.load(in);
        }
        shared.stringPropertyNames().forEach(k -> keys.add(k.replaceFirst("^%\\w+\\.", "")));
        Pattern injected = Pattern.compile("@ConfigProperty\\(name\\s*=\\s*\"([^\"]+)\"");
        // the service's own code, and the beans every service gets from core (the Host check, token lifetimes, ...)
        for (Path src : List.of(ROOT.resolve(service + "/src/main/java"), ROOT.resolve("core/src/main/java/dev/pmc/core/security/web"))) {
            try (var files = Files.walk(src)) {
                for (Path f : files.filter(x -> x.toString().endsWith(".java")).toList()) {
                    Matcher m = injected.matcher(Files.readString(f));
                    while (m.find()) keys.add(m.group(1));
                }
            }
        }
        keys.addAll(EXTENSION_KEYS);
        // a Kafka client's security keys, read by SmallRye's connector and by KafkaClients
        if (keys.contains("kafka.bootstrap.servers")) KafkaClients.SECURITY_KEYS.forEach(k -> keys.add("kafka." + k));
        return keys;
    }

    /** MicroProfile Config's environment mapping: a key matches VAR when non-alphanumerics become _ and it is upper-cased. */
    static boolean mapsToKey(String service, String var) throws IOException {
        for (String k : keys(service)) {
            if (k.replaceAll("[^A-Za-z0-9]", "_").toUpperCase().equals(var)) return true;
        }
        return false;
    }

    @Test
    void oneDockerfileBuildsEveryServiceFromItsFastJar() throws IOException {
        String df = Files.readString(ROOT.resolve("deploy/docker/service.Dockerfile"));
        assertTrue(df.contains("ARG BASE_IMAGE=eclipse-temurin:17-jre") && df.contains("FROM ${BASE_IMAGE}"), "base image is a build argument, public by default");
        assertTrue(df.contains("EXPOSE ${PORT}") && df.contains("COPY target/quarkus-app/lib/ lib/") && df.contains("quarkus-run.jar"));
        assertTrue(df.contains("USER 185") && df.contains("MaxRAMPercentage"), "non-root; heap sized from the container's memory limit");
        for (String s : SERVICES) assertTrue(!Files.exists(ROOT.resolve(s + "/Dockerfile")), s + ": no copy of the image definition");
    }

    /** docker-compose.yml as compose reads it: YAML merge keys ({@code <<: *anchor}) resolved, as SnakeYAML does. */
    static JsonNode compose() throws IOException {
        Object loaded = new org.yaml.snakeyaml.Yaml().load(Files.readString(ROOT.resolve("docker-compose.yml")));
        return YAML.valueToTree(loaded);
    }

    /** The compose services that run a module: its name, or its replicas NAME-1, NAME-2, ... */
    static List<String> composeServices(JsonNode services, String module) {
        List<String> names = new ArrayList<>();
        services.fieldNames().forEachRemaining(n -> {
            if (n.equals(module) || n.matches(Pattern.quote(module) + "-\\d+")) names.add(n);
        });
        return names;
    }

    @Test
    void composeMatchesPortsEnvironmentTopicsAndMounts() throws IOException {
        JsonNode c = compose();
        assertTrue(!c.has("name") && !c.has("version"), "no top-level name or version: Debian's docker-compose 1.29 refuses name");
        JsonNode services = c.get("services");
        for (String s : SERVICES) {
            List<String> names = composeServices(services, s);
            assertTrue(!names.isEmpty(), "compose service " + s);
            if (s.equals("model-gateway") || s.equals("response-scorer")) assertEquals(2, names.size(), s + " runs two replicas");
            int port = port(s);
            for (String n : names) {
                JsonNode svc = services.get(n);
                assertEquals(s, svc.get("build").get("context").asText(), n + " builds from its module");
                assertEquals("../deploy/docker/service.Dockerfile", svc.get("build").get("dockerfile").asText(), n);
                assertEquals(String.valueOf(port), svc.get("build").get("args").get("PORT").asText(), n);
                assertTrue(svc.get("image").asText().matches("\\$\\{PMC_IMAGE_PREFIX:-pmc}/" + s + ":\\$\\{PMC_VERSION:-[^}]+}"), n + " image " + svc.get("image"));
                assertTrue(svc.hasNonNull("mem_limit"), n + " has a memory limit");
                JsonNode env = svc.get("environment");
                // inside its container a service must listen on the container's address to be reachable at all
                assertEquals("0.0.0.0", env.get("QUARKUS_HTTP_HOST").asText(), n);
                assertEquals(String.valueOf(port), env.get("QUARKUS_HTTP_PORT").asText(), n);
                assertEquals("/run/pmc/security/public.pem", env.get("MP_JWT_VERIFY_PUBLICKEY_LOCATION").asText(), n + " checks tokens");
                assertTrue(svc.get("healthcheck").get("test").toString().contains("/q/health/ready"), n + " readiness");
                for (var key : List.of("OPENAI_API_KEY", "ANTHROPIC_API_KEY", "GEMINI_API_KEY", "KAFKA_SASL_JAAS_CONFIG")) {
                    assertTrue(!env.has(key), n + ": " + key + " is never written into the compose file");
                }
                for (var it = env.fieldNames(); it.hasNext(); ) {
                    String var = it.next();
                    assertTrue(mapsToKey(s, var), n + ": " + var + " maps to no key of its application.properties");
                }
                if (!s.equals("provider-sim")) {
                    assertEquals("kafka-1:9092,kafka-2:9092,kafka-3:9092", env.get("KAFKA_BOOTSTRAP_SERVERS").asText(), n);
                    assertEquals("[\".pmc/kafka/" + s + ".env\"]", svc.get("env_file").toString(), n + ": its own Kafka user, from an owner-only file");
                }
                // published only on the loopback interface; replicas publish nothing
                for (JsonNode p : svc.path("ports")) {
                    assertTrue(names.size() == 1, n + ": a replicated service publishes no port");
                    assertTrue(p.asText().matches("127\\.0\\.0\\.1:\\$\\{PMC_\\w+_PORT:-" + port + "}:" + port), n + " port " + p.asText());
                }
            }
        }
        assertEquals("http://provider-sim:" + port("provider-sim") + "/v1",
                services.get("model-gateway-1").get("environment").get("PMC_GATEWAY_DEFAULT_BASE_URL").asText());
        assertEquals("/run/pmc/secrets", services.get("model-gateway-1").get("environment").get("PMC_GATEWAY_SECRETS_DIR").asText());
        assertTrue(services.get("model-gateway-2").get("volumes").toString().contains("./.pmc/secrets:/run/pmc/secrets:ro"));
        for (var it = services.fields(); it.hasNext(); ) {
            var e = it.next();
            assertTrue(e.getValue().hasNonNull("mem_limit"), e.getKey() + " has a memory limit");
            for (JsonNode p : e.getValue().path("ports")) assertTrue(p.asText().startsWith("127.0.0.1:"), e.getKey() + " publishes on 127.0.0.1 only: " + p);
            String image = e.getValue().path("image").asText();
            if (!image.contains("PMC_IMAGE_PREFIX")) assertTrue(image.matches("\\$\\{PMC_\\w+_IMAGE:-[a-z/]+:[\\w.]+}"), e.getKey() + ": third-party image through a variable with the public default: " + image);
        }
        assertEquals("[\"grafana\"]", services.get("grafana").get("profiles").toString(), "Grafana only where its image can be had");
        // three brokers, every listener authenticated, no access without an ACL, replicated topics
        for (String b : List.of("kafka-1", "kafka-2", "kafka-3")) {
            JsonNode env = services.get(b).get("environment");
            assertEquals("[\".pmc/kafka/brokers.env\"]", services.get(b).get("env_file").toString(), b + ": broker passwords from an owner-only file");
            for (String listener : env.get("KAFKA_LISTENER_SECURITY_PROTOCOL_MAP").asText().split(",")) {
                assertTrue(listener.endsWith(":SASL_PLAINTEXT"), b + ": listener " + listener + " authenticates");
            }
            assertEquals("false", env.get("KAFKA_ALLOW_EVERYONE_IF_NO_ACL_FOUND").asText(), b);
            assertEquals("3", env.get("KAFKA_DEFAULT_REPLICATION_FACTOR").asText(), b);
            assertEquals("2", env.get("KAFKA_MIN_INSYNC_REPLICAS").asText(), b);
            assertTrue(env.get("KAFKA_ADVERTISED_LISTENERS").asText().contains("CLIENT://" + b + ":9092"), b);
            assertTrue(!env.toString().contains("password"), b + ": no password in the compose file");
        }
        // topics created by the init step exactly as Topics says
        String init = Files.readString(ROOT.resolve("deploy/kafka/kafka-init.sh"));
        Map<String, String> created = new HashMap<>();
        Matcher m = Pattern.compile("(?m)^(?:bg )?topic (\\S+) (\\d+)(.*)$").matcher(init);
        while (m.find()) created.put(m.group(1), m.group(2) + (m.group(3).contains("compact") ? " compact" : ""));
        Map<String, String> expected = new HashMap<>();
        for (Topics.Spec t : Topics.all(Topics.DEFAULT_PARTITIONS)) expected.put(t.name(), t.partitions() + (t.compacted() ? " compact" : ""));
        assertEquals(expected, created, "compose topics");
        // only the prompt-generator's user is granted Write on pmc.targets and pmc.runs
        Matcher g = Pattern.compile("(?m)^(?:bg )?grant \\$(\\w) \"([^\"]+)\" (.+)$").matcher(init);
        int grants = 0;
        while (g.find()) {
            grants++;
            boolean writes = g.group(2).contains("Write") || g.group(2).contains("All");
            for (String t : List.of("pmc.targets", "pmc.runs")) {
                if (writes && List.of(g.group(3).split(" ")).contains(t)) assertEquals("G", g.group(1), "only the generator writes " + t);
            }
        }
        assertTrue(grants >= 10, "the init step grants per service");
        // mounts point at files that exist, and Grafana's dashboards where its provisioning looks
        for (String s : List.of("prometheus", "grafana", "kafka-init")) {
            for (JsonNode v : services.get(s).get("volumes")) {
                String host = v.asText().split(":")[0];
                assertTrue(Files.exists(ROOT.resolve(host)), s + " mounts missing " + host);
            }
        }
        JsonNode provider = YAML.readTree(ROOT.resolve("deploy/grafana/provisioning/dashboards/pmc.yml").toFile());
        String dashPath = provider.get("providers").get(0).get("options").get("path").asText();
        assertTrue(services.get("grafana").get("volumes").toString().contains("./deploy/grafana/dashboards:" + dashPath), "dashboards mounted at " + dashPath);
        assertTrue(services.get("prompt-generator").get("volumes").get(0).asText().startsWith("${PMC_TARGETS_FILE:-./deploy/targets.yaml}:/config/targets.yaml"));
        assertTrue(services.get("prompt-generator").get("environment").get("PMC_TARGETS_FILE").asText().endsWith("targets.yaml"));
    }

    @Test
    void registryFilesAreValidTargetDefinitions() throws IOException {
        assertTrue(TargetFile.read(ROOT.resolve("deploy/targets.yaml")).size() >= 3);
        JsonNode cm = docs("00-namespace-config.yaml").stream().filter(d -> d.path("metadata").path("name").asText().equals("pmc-targets")).findFirst().orElseThrow();
        assertTrue(TargetFile.parseDocument(cm.get("data").get("targets.yaml").asText()).size() >= 3);
    }

    @Test
    void prometheusScrapesEveryServiceOnItsPort() throws IOException {
        for (String file : List.of("deploy/prometheus/prometheus.yml", "deploy/prometheus/compose/prometheus.yml")) {
            JsonNode p = YAML.readTree(ROOT.resolve(file).toFile());
            Set<String> jobs = new HashSet<>();
            for (JsonNode job : p.get("scrape_configs")) {
                String name = job.get("job_name").asText().replaceFirst("^pmc-", "");
                assertEquals("/q/metrics", job.get("metrics_path").asText());
                String target = job.get("static_configs").get(0).get("targets").get(0).asText();
                assertTrue(target.endsWith(":" + port(name)), file + ": " + name + " scraped at " + target);
                jobs.add(name);
            }
            assertEquals(new HashSet<>(SERVICES), jobs, file);
        }
    }

    @Test
    void kubernetesManifestsMatchPortsProbesEnvironmentAndTopics() throws IOException {
        Map<String, Map<String, String>> configMaps = new HashMap<>();
        for (JsonNode d : docs("00-namespace-config.yaml")) {
            if (!d.path("kind").asText().equals("ConfigMap")) continue;
            Map<String, String> data = new HashMap<>();
            d.get("data").fields().forEachRemaining(e -> data.put(e.getKey(), e.getValue().asText()));
            configMaps.put(d.get("metadata").get("name").asText(), data);
        }
        Map<String, String> configMapVars = configMaps.get("pmc-config");
        Set<String> deployments = new HashSet<>();
        for (JsonNode d : docs("20-services.yaml")) {
            String name = d.path("metadata").path("name").asText();
            int port = port(name);
            if (d.get("kind").asText().equals("Service")) {
                assertEquals(port, d.get("spec").get("ports").get(0).get("targetPort").asInt(), name + " service port");
                continue;
            }
            deployments.add(name);
            JsonNode pod = d.get("spec").get("template").get("spec");
            JsonNode c = pod.get("containers").get(0);
            assertEquals(port, c.get("ports").get(0).get("containerPort").asInt(), name);
            assertEquals("pmc/" + name + ":" + projectVersion(), c.get("image").asText(), name + ": the image bin/pmc images builds");
            if (!name.equals("provider-sim")) {
                // its own Kafka user: the JAAS line from the Secret Strimzi's User Operator writes for the KafkaUser of that name
                JsonNode jaas = null;
                for (JsonNode e : c.get("env")) if (e.get("name").asText().equals("KAFKA_SASL_JAAS_CONFIG")) jaas = e.get("valueFrom").get("secretKeyRef");
                assertTrue(jaas != null, name + " authenticates to Kafka");
                assertEquals("pmc-" + name, jaas.get("name").asText(), name);
                assertEquals("sasl.jaas.config", jaas.get("key").asText(), name);
                assertTrue(kafkaUsers().containsKey("pmc-" + name), name + ": KafkaUser pmc-" + name);
            }
            // hardened pods: no service-account token, non-root, read-only root file system with a writable /tmp
            assertEquals(false, pod.get("automountServiceAccountToken").asBoolean(true), name + " automountServiceAccountToken");
            assertTrue(pod.get("securityContext").get("runAsNonRoot").asBoolean(), name + " runAsNonRoot");
            assertTrue(pod.get("securityContext").get("runAsUser").asInt() > 0, name + " runAsUser");
            assertTrue(c.get("securityContext").get("readOnlyRootFilesystem").asBoolean(), name + " readOnlyRootFilesystem");
            assertEquals(false, c.get("securityContext").get("allowPrivilegeEscalation").asBoolean(true), name);
            assertEquals("[\"ALL\"]", c.get("securityContext").get("capabilities").get("drop").toString(), name);
            assertTrue(c.get("volumeMounts").toString().contains("\"mountPath\":\"/tmp\""), name + " writable /tmp");
            assertTrue(pod.get("volumes").toString().contains("\"emptyDir\""), name);
            for (JsonNode f : c.path("envFrom")) assertTrue(!f.has("secretRef"), name + ": no secrets as environment variables");
            if (name.equals("model-gateway")) {
                assertTrue(c.get("volumeMounts").toString().contains("/var/run/pmc/secrets"), "provider keys mounted as files");
            } else {
                assertTrue(!pod.path("volumes").toString().contains("pmc-provider-keys"), name + " never sees provider keys");
            }
            assertEquals("/q/health/ready", c.get("readinessProbe").get("httpGet").get("path").asText());
            assertEquals("/q/health/live", c.get("livenessProbe").get("httpGet").get("path").asText());
            assertEquals(port, c.get("readinessProbe").get("httpGet").get("port").asInt());
            assertEquals(String.valueOf(port), d.get("spec").get("template").get("metadata").get("annotations").get("prometheus.io/port").asText());
            List<String> vars = new ArrayList<>();
            for (JsonNode e : c.get("env")) vars.add(e.get("name").asText());
            for (JsonNode f : c.path("envFrom")) {
                if (f.has("configMapRef")) vars.addAll(configMaps.get(f.get("configMapRef").get("name").asText()).keySet());
            }
            // a variable that only feeds another's value through $(NAME) (the pod IP in the allowed hosts) is no setting
            String envText = c.get("env").toString();
            for (String v : vars) {
                if (envText.contains("$(" + v + ")")) continue;
                assertTrue(mapsToKey(name, v), name + ": " + v + " maps to no key of its application.properties");
            }
        }
        assertEquals(new HashSet<>(SERVICES), deployments);
        assertEquals("0.0.0.0", configMapVars.get("QUARKUS_HTTP_HOST"), "pods listen on their address; the NetworkPolicy limits who connects");
        assertTrue(configMapVars.containsKey("MP_JWT_VERIFY_PUBLICKEY_LOCATION") && configMapVars.containsKey("MP_JWT_VERIFY_ISSUER"), "tokens checked against the cluster's OIDC provider");
        // a default-deny NetworkPolicy for the namespace, and no egress rule open to private or metadata addresses
        List<JsonNode> policies = docs("40-network-policy.yaml");
        assertTrue(policies.stream().anyMatch(p -> p.get("spec").get("podSelector").isEmpty()
                && p.get("spec").get("policyTypes").toString().contains("Ingress") && p.get("spec").get("policyTypes").toString().contains("Egress")
                && !p.get("spec").has("ingress") && !p.get("spec").has("egress")), "default deny");
        for (JsonNode p : policies) {
            for (JsonNode rule : p.get("spec").path("egress")) {
                for (JsonNode to : rule.path("to")) {
                    if (!to.has("ipBlock")) continue;
                    String except = to.get("ipBlock").path("except").toString();
                    for (String cidr : List.of("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "169.254.0.0/16", "127.0.0.0/8")) {
                        assertTrue(except.contains(cidr), p.get("metadata").get("name").asText() + " egress excludes " + cidr);
                    }
                }
            }
        }
        Map<String, String> topics = new HashMap<>();
        for (JsonNode t : docs("10-topics.yaml")) {
            topics.put(t.get("metadata").get("name").asText(), t.get("spec").get("partitions").asInt()
                    + ("compact".equals(t.get("spec").path("config").path("cleanup.policy").asText()) ? " compact" : ""));
        }
        Map<String, String> expected = new HashMap<>();
        for (Topics.Spec t : Topics.all(Topics.DEFAULT_PARTITIONS)) expected.put(t.name(), t.partitions() + (t.compacted() ? " compact" : ""));
        assertEquals(expected, topics, "Strimzi KafkaTopics");
        Set<String> triggerAuths = new HashSet<>();
        for (JsonNode ta : docs("30-autoscaling.yaml")) {
            if (ta.get("kind").asText().equals("TriggerAuthentication")) triggerAuths.add(ta.get("metadata").get("name").asText());
        }
        for (JsonNode so : docs("30-autoscaling.yaml")) {
            if (!so.get("kind").asText().equals("ScaledObject")) continue;
            assertTrue(triggerAuths.contains(so.get("spec").get("triggers").get(0).path("authenticationRef").path("name").asText()),
                    "the lag scaler authenticates to Kafka like the pods");
            assertEquals(configMapVars.get("KAFKA_BOOTSTRAP_SERVERS"), so.get("spec").get("triggers").get(0).get("metadata").get("bootstrapServers").asText());
            String target = so.get("spec").get("scaleTargetRef").get("name").asText();
            assertTrue(deployments.contains(target));
            JsonNode meta = so.get("spec").get("triggers").get(0).get("metadata");
            String group = meta.get("consumerGroup").asText();
            String incoming = target.equals("model-gateway") ? "prompts" : "responses";
            assertEquals(props(target).getProperty("mp.messaging.incoming." + incoming + ".group.id"), group);
            assertEquals(props(target).getProperty("mp.messaging.incoming." + incoming + ".topic"), meta.get("topic").asText());
            assertTrue(so.get("spec").get("maxReplicaCount").asInt() <= Topics.DEFAULT_PARTITIONS, "no more replicas than partitions");
        }
    }

    static String projectVersion() throws IOException {
        Matcher m = Pattern.compile("(?m)^  <version>([^<]+)</version>").matcher(Files.readString(ROOT.resolve("pom.xml")));
        assertTrue(m.find());
        return m.group(1);
    }

    /** The KafkaUsers of deploy/k8s by name, each as the set of "resourceType name patternType operation" it is allowed. */
    static Map<String, Set<String>> kafkaUsers() throws IOException {
        Map<String, Set<String>> users = new HashMap<>();
        for (JsonNode u : docs("15-kafka-users.yaml")) {
            Set<String> allowed = new HashSet<>();
            for (JsonNode acl : u.get("spec").get("authorization").get("acls")) {
                JsonNode r = acl.get("resource");
                for (JsonNode op : acl.get("operations")) {
                    allowed.add(r.get("type").asText() + " " + r.get("name").asText() + " " + r.get("patternType").asText() + " " + op.asText());
                }
            }
            users.put(u.get("metadata").get("name").asText(), allowed);
        }
        return users;
    }

    /** The same, from the compose init step's kafka-acls.sh calls. */
    static Map<String, Set<String>> composeGrants() throws IOException {
        String init = Files.readString(ROOT.resolve("deploy/kafka/kafka-init.sh"));
        Map<String, String> principals = new HashMap<>();
        Matcher p = Pattern.compile("(\\w)=(pmc-[a-z-]+)").matcher(init.substring(init.indexOf("G=pmc-")));
        while (p.find() && principals.size() < 4) principals.put(p.group(1), p.group(2));
        Map<String, Set<String>> grants = new HashMap<>();
        Matcher g = Pattern.compile("(?m)^(?:bg )?grant \\$(\\w) \"([^\"]+)\" (.+)$").matcher(init);
        while (g.find()) {
            for (String t : g.group(3).split(" ")) for (String op : g.group(2).split(" ")) {
                grants.computeIfAbsent(principals.get(g.group(1)), k -> new HashSet<>()).add("topic " + t + " literal " + op);
            }
        }
        Matcher a = Pattern.compile("(?m)^(?:bg )?allow \\$(\\w) --operation (\\w+) --group (\\S+)$").matcher(init);
        while (a.find()) grants.computeIfAbsent(principals.get(a.group(1)), k -> new HashSet<>()).add("group " + a.group(3) + " literal " + a.group(2));
        Matcher prefixed = Pattern.compile("(?m)^(?:bg )?allow \\$(\\w) --resource-pattern-type prefixed (.+?) --operation (\\w+)$", Pattern.DOTALL).matcher(init.replace("\\\n", " "));
        while (prefixed.find()) {
            Matcher r = Pattern.compile("--(topic|group|transactional-id) (\\S+)").matcher(prefixed.group(2));
            while (r.find()) {
                String type = r.group(1).equals("transactional-id") ? "transactionalId" : r.group(1);
                grants.computeIfAbsent(principals.get(prefixed.group(1)), k -> new HashSet<>()).add(type + " " + r.group(2) + " prefix " + prefixed.group(3));
            }
        }
        return grants;
    }

    @Test
    void kubernetesKafkaUsersGrantWhatTheComposeInitStepGrants() throws IOException {
        Map<String, Set<String>> compose = composeGrants();
        assertEquals(4, compose.size(), "four service users in kafka-init.sh");
        assertEquals(compose, kafkaUsers(), "KafkaUser ACLs = kafka-init.sh grants");
        for (var e : kafkaUsers().entrySet()) {
            for (String acl : e.getValue()) {
                if (acl.matches("topic pmc\\.(targets|runs) literal (Write|All)")) assertEquals("pmc-prompt-generator", e.getKey(), acl);
            }
        }
    }

    static List<JsonNode> docs(String file) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        try (var p = YAML.getFactory().createParser(ROOT.resolve("deploy/k8s/" + file).toFile())) {
            var it = YAML.readValues(p, JsonNode.class);
            while (it.hasNext()) {
                JsonNode n = it.next();
                if (n != null && !n.isNull() && !n.isEmpty()) out.add(n);
            }
        }
        return out;
    }
}
