package dev.pmc.cli;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.pmc.stack.ServiceProcess;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import io.strimzi.api.kafka.model.user.KafkaUser;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Every manifest in deploy/k8s read into its API type: the Kubernetes resources into fabric8's model (generated from
 * the Kubernetes OpenAPI schema), Strimzi's KafkaTopic and KafkaUser into Strimzi's own API model. A field of the wrong
 * type fails to read; a field the type does not have (a typo, a field of another API version) lands in the model's
 * additionalProperties, which must stay empty everywhere. KEDA publishes no schema or model on Maven Central: its
 * ScaledObject and TriggerAuthentication are held against the fields of KEDA's v1alpha1 API listed here.
 */
class KubernetesManifestSchemaTest {
    static final Path DIR = ServiceProcess.projectRoot().resolve("deploy/k8s");
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    static final ObjectMapper MODEL = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);
    static final Map<String, Class<?>> TYPES = Map.of(
            "v1/Namespace", Namespace.class,
            "v1/ConfigMap", ConfigMap.class,
            "v1/Service", Service.class,
            "apps/v1/Deployment", Deployment.class,
            "networking.k8s.io/v1/NetworkPolicy", NetworkPolicy.class,
            "kafka.strimzi.io/v1beta2/KafkaTopic", KafkaTopic.class,
            "kafka.strimzi.io/v1beta2/KafkaUser", KafkaUser.class);
    /** KEDA v1alpha1 (keda.sh docs, "ScaledObject specification", "TriggerAuthentication specification"). */
    static final Map<String, Set<String>> KEDA_FIELDS = Map.of(
            "ScaledObject.spec", Set.of("scaleTargetRef", "pollingInterval", "cooldownPeriod", "initialCooldownPeriod", "idleReplicaCount",
                    "minReplicaCount", "maxReplicaCount", "fallback", "advanced", "triggers"),
            "ScaledObject.spec.scaleTargetRef", Set.of("apiVersion", "kind", "name", "envSourceContainerName"),
            "ScaledObject.spec.triggers[]", Set.of("type", "metadata", "name", "useCachedMetrics", "metricType", "authenticationRef"),
            "ScaledObject.spec.triggers[].authenticationRef", Set.of("name", "kind"),
            "TriggerAuthentication.spec", Set.of("podIdentity", "secretTargetRef", "env", "hashiCorpVault", "azureKeyVault", "gcpSecretManager",
                    "awsSecretManager", "configMapTargetRef", "boundServiceAccountToken"),
            "TriggerAuthentication.spec.secretTargetRef[]", Set.of("parameter", "name", "key"));

    @Test
    void everyManifestFitsItsApiType() throws IOException {
        List<String> problems = new ArrayList<>();
        int checked = 0;
        try (var files = Files.list(DIR)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
                for (JsonNode doc : DeploymentFilesTest.docs(f.getFileName().toString())) {
                    String key = doc.path("apiVersion").asText() + "/" + doc.path("kind").asText();
                    String where = f.getFileName() + " " + doc.path("kind").asText() + " " + doc.path("metadata").path("name").asText();
                    checked++;
                    if (doc.path("apiVersion").asText().equals("keda.sh/v1alpha1")) {
                        keda(doc, where, problems);
                        continue;
                    }
                    Class<?> type = TYPES.get(key);
                    if (type == null) {
                        problems.add(where + ": no API type known for " + key);
                        continue;
                    }
                    try {
                        unknownFields(MODEL.treeToValue(doc, type), where, problems, Collections.newSetFromMap(new IdentityHashMap<>()));
                    } catch (IOException e) {
                        problems.add(where + ": does not read as " + type.getSimpleName() + ": " + e.getMessage().lines().findFirst().orElse(""));
                    }
                }
            }
        }
        assertTrue(checked >= 20, "manifests checked: " + checked);
        assertEquals(List.of(), problems);
    }

    @Test
    void aTypoAWrongTypeAndAnUnknownKindAreCaught() throws IOException {
        JsonNode deployment = DeploymentFilesTest.docs("20-services.yaml").stream()
                .filter(d -> d.path("kind").asText().equals("Deployment")).findFirst().orElseThrow();
        List<String> problems = new ArrayList<>();
        var typo = deployment.deepCopy();
        ((com.fasterxml.jackson.databind.node.ObjectNode) typo.get("spec")).put("replica", 2);
        unknownFields(MODEL.treeToValue(typo, Deployment.class), "typo", problems, Collections.newSetFromMap(new IdentityHashMap<>()));
        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.get(0).contains("replica"), problems.toString());
        var wrongType = deployment.deepCopy();
        ((com.fasterxml.jackson.databind.node.ObjectNode) wrongType.get("spec")).put("replicas", "two");
        try {
            MODEL.treeToValue(wrongType, Deployment.class);
            fail("replicas: \"two\" read as a Deployment");
        } catch (IOException expected) {
            // the type refuses it
        }
        List<String> keda = new ArrayList<>();
        JsonNode scaled = YAML.readTree("apiVersion: keda.sh/v1alpha1\nkind: ScaledObject\nspec: {scaleTargetRef: {name: x}, maxReplicas: 3, triggers: [{type: kafka}]}");
        keda(scaled, "keda", keda);
        assertEquals(1, keda.size(), keda.toString());
    }

    /** Walks a model object; every non-empty additionalProperties is a field its type does not have. */
    static void unknownFields(Object o, String path, List<String> out, Set<Object> seen) {
        if (o == null || o instanceof String || o instanceof Number || o instanceof Boolean || o instanceof Enum<?> || o instanceof Character) return;
        if (o instanceof Map<?, ?> m) {
            m.forEach((k, v) -> unknownFields(v, path + "." + k, out, seen));
            return;
        }
        if (o instanceof Collection<?> c) {
            int i = 0;
            for (Object v : c) unknownFields(v, path + "[" + i++ + "]", out, seen);
            return;
        }
        String pkg = o.getClass().getPackageName();
        if (!pkg.startsWith("io.fabric8.kubernetes.api.model") && !pkg.startsWith("io.strimzi.api")) return;
        if (!seen.add(o)) return;
        for (Method m : o.getClass().getMethods()) {
            if (m.getParameterCount() != 0 || Modifier.isStatic(m.getModifiers()) || m.getDeclaringClass() == Object.class) continue;
            String n = m.getName();
            if (!n.startsWith("get") || n.length() < 4) continue;
            Object v;
            try {
                v = m.invoke(o);
            } catch (ReflectiveOperationException | RuntimeException e) {
                continue; // computed properties of custom resources (plural, CRD name) need no check
            }
            if (n.equals("getAdditionalProperties")) {
                if (v instanceof Map<?, ?> extra && !extra.isEmpty()) out.add(path + ": fields its type does not have: " + extra.keySet());
                continue;
            }
            unknownFields(v, path + "." + Character.toLowerCase(n.charAt(3)) + n.substring(4), out, seen);
        }
    }

    static void keda(JsonNode doc, String where, List<String> out) {
        String kind = doc.path("kind").asText();
        if (!kind.equals("ScaledObject") && !kind.equals("TriggerAuthentication")) {
            out.add(where + ": KEDA kind " + kind + " not known here");
            return;
        }
        checkFields(doc.path("spec"), kind + ".spec", where, out);
    }

    private static void checkFields(JsonNode node, String schemaPath, String where, List<String> out) {
        Set<String> allowed = KEDA_FIELDS.get(schemaPath);
        if (allowed == null) return; // free-form (a trigger's metadata) or not listed
        node.fieldNames().forEachRemaining(f -> {
            if (!allowed.contains(f)) out.add(where + ": " + schemaPath + "." + f + " is not a KEDA field");
        });
        node.fields().forEachRemaining(e -> {
            if (e.getValue().isArray()) e.getValue().forEach(v -> checkFields(v, schemaPath + "." + e.getKey() + "[]", where, out));
            else if (e.getValue().isObject()) checkFields(e.getValue(), schemaPath + "." + e.getKey(), where, out);
        });
    }
}
